using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Mesh.Ctl;

return await MeshCtl.RunAsync(args);

/// <summary>Parses the command line, sends one request to the node's ops port and prints the reply.</summary>
internal static class MeshCtl
{
    private const int Done = 0, Refused = 1, Usage = 2, NotAvailable = 3;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        string host = "127.0.0.1";
        var port = 9110;
        bool json = false, help = false;
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--host" when i + 1 < args.Length: host = args[++i]; break;
                case "--port" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], out port) || port is < 1 or > 65535) return Fail(Usage, $"--port needs a port number from 1 to 65535, not '{args[i]}'");
                    break;
                case "--host" or "--port": return Fail(Usage, $"{args[i]} needs a value");
                case "--json": json = true; break;
                case "--help" or "-h": help = true; break;
                case "--version":
                    Console.WriteLine($"meshctl {typeof(MeshCtl).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]}");
                    return Done;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) return Fail(Usage, $"unknown option '{args[i]}' (see meshctl --help)");
                    words.Add(args[i]);
                    break;
            }
        }

        if (words.Count == 0)
        {
            Console.WriteLine(Commands.MainHelp());
            return help ? Done : Usage;
        }

        var palette = words[0];
        if (!Commands.Palettes.Contains(palette)) return Fail(Usage, $"unknown palette '{palette}' (palettes: {string.Join(", ", Commands.Palettes)})");
        if (words.Count == 1)
        {
            Console.WriteLine(Commands.PaletteHelp(palette));
            return help ? Done : Usage;
        }

        var command = Commands.All.FirstOrDefault(c => c.Palette == palette && c.Name == words[1]);
        if (command is null)
        {
            return Fail(Usage, $"unknown command '{palette} {words[1]}' (commands: {string.Join(", ", Commands.All.Where(c => c.Palette == palette).Select(c => c.Name))})");
        }

        if (help)
        {
            Console.WriteLine(Commands.CommandHelp(command));
            return Done;
        }

        var arguments = words.Skip(2).ToList();
        if (arguments.Count < command.MinArgs || arguments.Count > command.MaxArgs) return Fail(Usage, $"usage: {command.Usage}");

        return await SendAsync(host, port, command, arguments, json);
    }

    private static async Task<int> SendAsync(string host, int port, CommandInfo command, List<string> arguments, bool json)
    {
        using var client = new TcpClient();
        using var stopping = new CancellationTokenSource();
        // Ctrl+C (or SIGTERM) ends a tail cleanly; the node sees the connection close and unsubscribes.
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stopping.Cancel();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            connecting.CancelAfter(ConnectTimeout);
            await client.ConnectAsync(host, port, connecting.Token);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException)
        {
            var reason = error is SocketException socket ? socket.SocketErrorCode.ToString() : "timed out";
            return Fail(Refused, $"cannot reach the node's ops port at {host}:{port} ({reason}); is mesh-node running with --ops-port {port}?");
        }

        var stream = client.GetStream();
        var request = JsonSerializer.Serialize(new { palette = command.Palette, command = command.Name, args = arguments }) + "\n";
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), stopping.Token);
            if (command.Streams) return await StreamAsync(reader, command, json, stopping.Token);

            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            waiting.CancelAfter(ReplyTimeout);
            var line = await reader.ReadLineAsync(waiting.Token);
            if (line is null) return Fail(Refused, "the node closed the connection without answering");
            return Print(command, line, json);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return Done;
        }
        catch (OperationCanceledException)
        {
            return Fail(Refused, $"the node did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }
        catch (Exception error) when (error is IOException or SocketException)
        {
            return Fail(Refused, $"the connection to {host}:{port} broke ({error.Message})");
        }
    }

    private static async Task<int> StreamAsync(StreamReader reader, CommandInfo command, bool json, CancellationToken stopping)
    {
        while (await reader.ReadLineAsync(stopping) is { } line)
        {
            using var document = JsonDocument.Parse(line);
            if (!document.RootElement.TryGetProperty("event", out var change)) return Print(command, line, json);
            Console.WriteLine(json ? change.GetRawText() : Text.Event(change));
        }

        return Fail(Refused, "the node closed the stream");
    }

    private static int Print(CommandInfo command, string line, bool json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return Fail(Refused, "the node answered something that is not the ops protocol; is --port the node's ops port?");
        }

        using (document)
        {
            var reply = document.RootElement;
            if (!reply.TryGetProperty("ok", out var ok) || !ok.GetBoolean())
            {
                var error = reply.TryGetProperty("error", out var code) ? code.GetString() : "ERROR";
                var details = reply.TryGetProperty("details", out var text) ? text.GetString() : "";
                return Fail(error == "NOT_AVAILABLE" ? NotAvailable : Refused, $"{command.Palette} {command.Name}: {details} ({error})");
            }

            var result = reply.GetProperty("result");
            Console.WriteLine(json ? result.GetRawText() : Text.Result(command, result));
            return Done;
        }
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"meshctl: {message}");
        return exitCode;
    }
}
