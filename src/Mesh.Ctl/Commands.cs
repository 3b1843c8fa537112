// The palettes and commands meshctl offers, with the help text for each level.
namespace Mesh.Ctl;

public sealed record CommandInfo(string Palette, string Name, string Arguments, string Summary, int MinArgs, int MaxArgs, bool Streams = false)
{
    public string Usage => $"meshctl [options] {Palette} {Name}{(Arguments.Length > 0 ? " " + Arguments : "")}";
}

public static class Commands
{
    public static IReadOnlyList<CommandInfo> All { get; } =
    [
        new("cluster", "show", "", "members, their status, callsign and reachability, the leader", 0, 0),
        new("cluster", "leader", "", "the cluster leader's address", 0, 0),
        new("cluster", "join", "ADDRESS", "join this node to the cluster of ADDRESS (akka.tcp://mesh@host:4053); a node alone in its own cluster re-forms there", 1, 1),
        new("cluster", "leave", "[ADDRESS]", "ask a member (default: this node) to leave the cluster gracefully", 0, 1),
        new("cluster", "down", "ADDRESS", "mark a member down: it is removed at once (its node re-forms)", 1, 1),
        new("cluster", "down-unreachable", "", "down every member this node sees as unreachable", 0, 0),
        new("cluster", "tail", "", "stream membership events until Ctrl+C", 0, 0, Streams: true),
        new("signaling", "show", "", "connected and registered clients, top talkers, messages relayed", 0, 0),
        new("peers", "list", "", "peer nodes this node knows", 0, 0),
        new("peers", "sync", "ENDPOINT", "exchange announce, certificates and blacklist with a node outside this cluster (http://host:port)", 1, 1),
        new("certificates", "list", "", "the trust store", 0, 0),
        new("content", "show", "", "the content catalog", 0, 0),
    ];

    public static IEnumerable<string> Palettes => All.Select(c => c.Palette).Distinct();

    public const string Options = """
        Options:
          --host H     the node's host (default 127.0.0.1; the ops port listens on loopback only)
          --port N     the node's ops port (default 9110, mesh.ops.port / --ops-port of mesh-node)
          --json       machine output: the node's JSON result (one object, or one event a line for tail)
          --help, -h   help for meshctl, a palette or a command
          --version    print meshctl's version
        Exit codes: 0 done, 1 the node refused or could not be reached, 2 bad usage, 3 not available on this node.
        """;

    public static string MainHelp() =>
        "meshctl: operate a mesh-node through its loopback ops port.\n\n" +
        "Usage: meshctl [options] <palette> <command> [args]\n\nPalettes:\n" +
        string.Join("\n", Palettes.Select(p => $"  {p,-14}{string.Join(", ", All.Where(c => c.Palette == p).Select(c => c.Name))}")) +
        "\n\n" + Options + "\nSee meshctl <palette> --help for its commands.";

    public static string PaletteHelp(string palette) =>
        $"Usage: meshctl [options] {palette} <command> [args]\n\nCommands:\n" +
        string.Join("\n", All.Where(c => c.Palette == palette).Select(c => $"  {(c.Name + " " + c.Arguments).TrimEnd(),-24}{c.Summary}")) +
        "\n\n" + Options;

    public static string CommandHelp(CommandInfo command) => $"Usage: {command.Usage}\n\n  {command.Summary}\n\n{Options}";
}
