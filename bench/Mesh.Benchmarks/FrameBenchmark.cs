// The relay's own work per message, without sockets or actors: reading an OFFER as a browser sends it
// (ClientMessage.Parse) and writing the OFFER_RECEIVED the target gets (ServerFrames.SignalReceived).
using System.Diagnostics;
using System.Text;
using Mesh.Actors.Signaling;

namespace Mesh.Benchmarks;

public static class FrameBenchmark
{
    // A data-channel offer as Chromium writes it, the size the relay benchmark (bench/loadgen.js) sends.
    private const string Sdp =
        @"v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=extmap-allow-mixed\r\n" +
        @"a=msid-semantic: WMS\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:Zx3q\r\n" +
        @"a=ice-pwd:0a1b2c3d4e5f6a7b8c9d0e1f\r\na=ice-options:trickle\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:" +
        @"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n" +
        @"a=max-message-size:262144\r\n";

    public static int Run(string[] args)
    {
        var seconds = BenchArguments.Option(args, "--seconds", 2);
        var runs = BenchArguments.Option(args, "--runs", 5);
        var offer = Encoding.UTF8.GetBytes($$$"""{"type":"OFFER","target":"Jx8kq2LmZ0A","offer":{"type":"offer","sdp":"{{{Sdp}}}"}}""");
        if (ClientMessage.Parse(offer) is not ClientMessage.Signal signal)
            throw new InvalidOperationException("the benchmark's offer does not parse");

        Console.WriteLine($"Signaling frames: an OFFER of {offer.Length} bytes, {runs} runs of {seconds} s each after a warm-up run");
        Measure(() => ClientMessage.Parse(offer), seconds);
        Measure(() => ServerFrames.SignalReceived(signal.Kind, "Jx8kq2LmZ0A", "K1ABC", signal.Payload), seconds);
        var parse = new List<Figures>();
        var write = new List<Figures>();
        for (var run = 1; run <= runs; run++)
        {
            parse.Add(Measure(() => ClientMessage.Parse(offer), seconds));
            write.Add(Measure(() => ServerFrames.SignalReceived(signal.Kind, "Jx8kq2LmZ0A", "K1ABC", signal.Payload), seconds));
            Console.WriteLine($"run {run}: parse {parse[^1].Microseconds:F3} µs, {parse[^1].Bytes:F0} B; " +
                              $"write {write[^1].Microseconds:F3} µs, {write[^1].Bytes:F0} B");
        }

        Console.WriteLine();
        Console.WriteLine("| per message | µs (median) | bytes allocated |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| read an OFFER (ClientMessage.Parse) | {BenchArguments.Median(parse.Select(f => f.Microseconds).ToList()):F3} | {parse[0].Bytes:F0} |");
        Console.WriteLine($"| write its OFFER_RECEIVED (ServerFrames.SignalReceived) | {BenchArguments.Median(write.Select(f => f.Microseconds).ToList()):F3} | {write[0].Bytes:F0} |");
        return 0;
    }

    private static Figures Measure(Func<object> work, int seconds)
    {
        long count = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++) work();
            count += 1000;
        }

        return new Figures(stopwatch.Elapsed.TotalMicroseconds / count, (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)count);
    }

    private readonly record struct Figures(double Microseconds, double Bytes);
}
