// The mesh-node command line: flags that override the HOCON file.
namespace Mesh.Node;

public sealed record NodeCommandLine(
    string? ConfigFile,
    IReadOnlyList<string> HoconOverrides,
    bool ShowHelp,
    bool ShowVersion)
{
    public const string Usage = """
        mesh-node: a Mesh.Actors node (signaling relay, callsign CA, mesh member).

        Usage: mesh-node [options]
          --config FILE        HOCON file (default: hocon/node.hocon beside the binary, else built-in defaults)
          --port N             HTTP/WebSocket port (0 = pick a free one and log it)      mesh.http.port
          --bind ADDRESS       address the HTTP port binds to (default 0.0.0.0)          mesh.http.bind
          --akka-port N        Akka.Remote port (0 = pick a free one)                    akka.remote.dot-netty.tcp.port
          --ops-port N         loopback ops port for meshctl (0 = off)                   mesh.ops.port
          --host NAME          the address other nodes and browsers use for this node    mesh.public-host
          --seed ADDRESS       Akka address of a node to join; repeatable                akka.cluster.seed-nodes
          --data-dir DIR       data directory (SQLite journal, keys, content)            mesh.data-dir
          --cert-dir DIR       certificate directory (default DATA-DIR/certs)            mesh.cert-dir
          --no-mdns            do not advertise or browse on the local network           mesh.mdns.enabled
          --interface NAME     network interface for mDNS                                mesh.mdns.interface
          --verbose            log at Debug level                                        mesh.log.level
          --version            print the version and exit
          --help               print this help and exit
        """;

    /// <exception cref="CommandLineException">a flag that is unknown or lacks its value, named in the message</exception>
    public static NodeCommandLine Parse(IReadOnlyList<string> args)
    {
        string? configFile = null;
        var overrides = new List<string>();
        var seeds = new List<string>();
        bool help = false, version = false;

        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new CommandLineException($"{flag} needs a value");
                return args[++i];
            }

            string Port()
            {
                var text = Value();
                return int.TryParse(text, out var port) && port is >= 0 and <= 65535
                    ? text
                    : throw new CommandLineException($"{flag} needs a port number from 0 to 65535, not '{text}'");
            }

            switch (flag)
            {
                case "--config": configFile = Value(); break;
                case "--port": overrides.Add($"mesh.http.port = {Port()}"); break;
                case "--bind": overrides.Add($"mesh.http.bind = {Quote(Value())}"); break;
                case "--akka-port": overrides.Add($"akka.remote.dot-netty.tcp.port = {Port()}"); break;
                case "--ops-port": overrides.Add($"mesh.ops.port = {Port()}"); break;
                case "--host": overrides.Add($"mesh.public-host = {Quote(Value())}"); break;
                case "--seed": seeds.Add(Value()); break;
                case "--data-dir": overrides.Add($"mesh.data-dir = {Quote(Value())}"); break;
                case "--cert-dir": overrides.Add($"mesh.cert-dir = {Quote(Value())}"); break;
                case "--no-mdns": overrides.Add("mesh.mdns.enabled = off"); break;
                case "--interface": overrides.Add($"mesh.mdns.interface = {Quote(Value())}"); break;
                case "--verbose": overrides.Add("mesh.log.level = Debug"); break;
                case "--version": version = true; break;
                case "--help" or "-h": help = true; break;
                default: throw new CommandLineException($"unknown flag '{flag}' (see --help)");
            }
        }

        if (seeds.Count > 0) overrides.Add($"akka.cluster.seed-nodes = [{string.Join(", ", seeds.Select(Quote))}]");
        return new NodeCommandLine(configFile, overrides, help, version);
    }

    /// <summary>A HOCON quoted string: JSON string escaping is valid HOCON.</summary>
    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}

public sealed class CommandLineException(string message) : Exception(message);
