// avahi-daemon (Debian's avahi-daemon and avahi-utils) on a lab host: an mDNS implementation that owes
// nothing to ours. It runs with its own D-Bus system bus, /run and services directory, all private
// to the `ip netns exec` mount namespace, so nothing of the machine's own is touched.
using System.Diagnostics;
using System.Text;
using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Discovery;

public sealed class AvahiHost : IDisposable
{
    private const string Script = """
        set -e
        mount --bind "$LAB/services" /etc/avahi/services
        mount -t tmpfs lab-run /run
        mkdir -p /run/dbus /run/avahi-daemon
        dbus-daemon --system --nofork & DBUS=$!
        for i in $(seq 100); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.05; done
        avahi-daemon -f "$LAB/avahi-daemon.conf" --no-drop-root --no-chroot --no-rlimits & AVAHI=$!
        trap 'kill $AVAHI $DBUS 2>/dev/null' EXIT INT TERM
        for i in $(seq 60); do
          found=$(avahi-browse --resolve --parsable --terminate "$BROWSE" 2>/dev/null | grep "^=" | grep ";$WANT;" || true)
          if [ -n "$found" ]; then echo "$found"; break; fi
          sleep 0.25
        done
        echo BROWSE-DONE
        sleep 120 & wait $!
        """;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _browsed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Starts avahi publishing `published` (a static service file) and browsing `browse` until a
    /// resolved instance at address `want` shows up.
    /// </summary>
    public AvahiHost(LabHost host, string directory, string publishedServiceXml, string browse, string want)
    {
        if (!File.Exists("/usr/sbin/avahi-daemon") || !File.Exists("/usr/bin/avahi-browse") || !File.Exists("/usr/bin/dbus-daemon"))
            throw new InvalidOperationException("avahi is missing: apt-get install -y avahi-daemon avahi-utils dbus");
        Directory.CreateDirectory(Path.Combine(directory, "services"));
        File.WriteAllText(Path.Combine(directory, "services", "published.service"), publishedServiceXml);
        File.WriteAllText(Path.Combine(directory, "avahi-daemon.conf"), """
            [server]
            host-name=avahi-lab
            use-ipv4=yes
            use-ipv6=no
            allow-interfaces=eth0
            enable-dbus=yes
            [wide-area]
            enable-wide-area=no
            [publish]
            publish-hinfo=no
            publish-workstation=no
            """);
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "netns", "exec", host.Namespace, "sh", "-c", Script })
            start.ArgumentList.Add(argument);
        start.Environment["LAB"] = directory;
        start.Environment["BROWSE"] = browse;
        start.Environment["WANT"] = want;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data, stdout: true);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, stdout: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>avahi-browse's resolved lines (`=;eth0;IPv4;name;type;domain;host;address;port;"k=v" ...`).</summary>
    public async Task<IReadOnlyList<string>> ResolvedAsync(TimeSpan within)
    {
        await _browsed.Task.WaitAsync(within);
        return Output.Split('\n').Where(l => l.StartsWith('=')).ToList();
    }

    private void Append(string? line, bool stdout)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (stdout && line == "BROWSE-DONE") _browsed.TrySetResult();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.Terminate);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
