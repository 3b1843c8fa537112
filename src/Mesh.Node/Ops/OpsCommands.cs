// What each meshctl command does on the node: ask an actor, or Akka's Cluster extension.
using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;
using Mesh.Actors.Mesh;
using Mesh.Actors.Signaling;
using Mesh.Node.Runtime;

namespace Mesh.Node.Ops;

public sealed class OpsCommands(MeshRuntime runtime, Mesh.Actors.Node.NodeSettings settings, ILogger<OpsCommands> log)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private const int TopTalkers = 10;

    /// <summary>Every command the node answers, palette by palette; `cluster tail` streams (OpsServer).</summary>
    public static IReadOnlyDictionary<string, string[]> Palettes { get; } = new Dictionary<string, string[]>
    {
        ["cluster"] = ["show", "leader", "join", "leave", "down", "down-unreachable", "tail"],
        ["signaling"] = ["show"],
        ["peers"] = ["list", "sync"],
        ["certificates"] = ["list"],
        ["content"] = ["show"],
    };

    public async Task<OpsReply> ExecuteAsync(OpsRequest request)
    {
        if (!Palettes.TryGetValue(request.Palette, out var commands) || !commands.Contains(request.Command))
            return OpsReply.Failure(OpsErrors.UnknownCommand, $"'{request.Palette} {request.Command}' is not a command this node knows.");
        if (runtime.Current is not { } incarnation)
            return OpsReply.Failure(OpsErrors.NodeStarting, "The node's actor system is starting or re-forming; try again in a few seconds.");

        var cluster = Cluster.Get(incarnation.System);
        try
        {
            return (request.Palette, request.Command) switch
            {
                ("cluster", "show") => await ClusterAsync(incarnation),
                ("cluster", "leader") => OpsReply.Success(new { leader = cluster.State.Leader?.ToString() }),
                ("cluster", "join") => WithAddress(request, address => Join(incarnation, cluster, address)),
                ("cluster", "leave") => request.Args.Count == 0 ? Leave(cluster, cluster.SelfAddress) : WithAddress(request, address => Leave(cluster, address)),
                ("cluster", "down") => WithAddress(request, address => Down(cluster, address)),
                ("cluster", "down-unreachable") => DownUnreachable(cluster),
                ("signaling", "show") => await SignalingAsync(incarnation),
                ("peers", "list") => await PeersAsync(incarnation),
                ("peers", "sync") => await SyncAsync(incarnation, request),
                ("certificates", "list") => await CertificatesAsync(incarnation),
                // No content actors exist yet: the palette answers as soon as that feature registers one.
                ("content", _) => NotAvailable("content"),
                _ => OpsReply.Failure(OpsErrors.UnknownCommand, $"'{request.Palette} {request.Command}' cannot be run as a single request."),
            };
        }
        catch (AskTimeoutException)
        {
            return OpsReply.Failure(OpsErrors.Timeout, $"The node did not answer '{request.Palette} {request.Command}' within {AskTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>The cluster as this node sees it, from the mesh's members actor as GET /api/mesh gives it.</summary>
    private static async Task<OpsReply> ClusterAsync(Incarnation incarnation)
    {
        if (!incarnation.Registry.TryGet<MeshMembersActor>(out var members)) return NotAvailable("cluster");
        var view = await members.Ask<MeshView>(MeshMembers.GetView.Instance, AskTimeout);
        return OpsReply.Success(Edge.MeshEndpoints.ToJson(view));
    }

    private OpsReply Join(Incarnation incarnation, Cluster cluster, Address address)
    {
        var members = cluster.State.Members.Count;
        if (members > 1)
        {
            return OpsReply.Failure(OpsErrors.AlreadyInCluster,
                $"This node is in a cluster of {members} members; leave it first (meshctl cluster leave), then join {address}.");
        }

        if (!incarnation.Registry.TryGet<ClusterJoinActor>(out var joinPolicy)) return NotAvailable("cluster join");
        // The join policy joins at once, or, for a node alone in its own cluster, leaves it and re-forms there.
        joinPolicy.Tell(new ClusterJoin.JoinNode(address));
        log.LogInformation("Operator asked to join {Address}", address);
        return OpsReply.Success(new { address = address.ToString(), action = members == 0 ? "joining" : "reforming" });
    }

    private OpsReply Leave(Cluster cluster, Address address)
    {
        if (!IsMember(cluster, address)) return UnknownMember(address);
        cluster.Leave(address);
        log.LogInformation("Operator asked {Address} to leave the cluster", address);
        return OpsReply.Success(new { address = address.ToString(), action = "leaving" });
    }

    private OpsReply Down(Cluster cluster, Address address)
    {
        if (!IsMember(cluster, address)) return UnknownMember(address);
        cluster.Down(address);
        log.LogWarning("Operator downed {Address}", address);
        return OpsReply.Success(new { address = address.ToString(), action = "downing" });
    }

    private OpsReply DownUnreachable(Cluster cluster)
    {
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in unreachable)
        {
            cluster.Down(address);
            log.LogWarning("Operator downed unreachable {Address}", address);
        }

        return OpsReply.Success(new { downed = unreachable.Select(a => a.ToString()).ToArray() });
    }

    private static async Task<OpsReply> SignalingAsync(Incarnation incarnation)
    {
        if (!incarnation.Registry.TryGet<PresenceActor>(out var presence)) return NotAvailable("signaling");
        var statistics = await presence.Ask<Presence.Statistics>(Presence.GetStatistics.Instance, AskTimeout);
        var talkers = await presence.Ask<Presence.TopTalkers>(new Presence.GetTopTalkers(TopTalkers), AskTimeout);
        return OpsReply.Success(new
        {
            connected = statistics.Connected,
            registered = statistics.Registered,
            topTalkers = talkers.Talkers.Select(t => new { clientId = t.Peer.Id, callsign = t.Peer.Callsign, hasLicense = t.Peer.HasLicense, relayed = t.Relayed }).ToArray(),
            relayedTotal = SignalingMetrics.RelayedTotals().ToDictionary(r => r.Kind.ToString(), r => r.Count),
        });
    }

    private static async Task<OpsReply> PeersAsync(Incarnation incarnation)
    {
        if (!incarnation.Registry.TryGet<PeerDirectoryActor>(out var directory)) return NotAvailable("peers");
        var peers = await directory.Ask<PeerDirectoryReplies.Peers>(PeerDirectoryQueries.GetPeers.Instance, AskTimeout);
        return OpsReply.Success(new { peers = peers.Items.Select(Edge.DiscoveryEndpoints.ToJson).ToArray() });
    }

    /// <summary>Exchanges announce, certificates and blacklist with a node outside this cluster over its /ws/coordinate.</summary>
    private async Task<OpsReply> SyncAsync(Incarnation incarnation, OpsRequest request)
    {
        if (request.Args.Count != 1 || PeerDirectoryActor.NormaliseEndpoint(request.Args[0]) is not { } endpoint)
            return OpsReply.Failure(OpsErrors.BadRequest, "'peers sync' takes the other node's HTTP endpoint, e.g. http://10.0.0.5:8080.");
        if (!incarnation.Registry.TryGet<CoordinationsActor>(out var coordinations)) return NotAvailable("peers sync");
        try
        {
            var summary = await Edge.CoordinationDialer.SyncAsync(coordinations, endpoint, settings.Mesh.CoordinationMaxMessageBytes, CancellationToken.None);
            log.LogInformation("Synced with {Endpoint}: it took {TheyAccepted} items, this node took {WeAccepted}", endpoint, summary.TheyAccepted, summary.WeAccepted);
            return OpsReply.Success(new
            {
                peer = endpoint,
                callsign = summary.PeerCallsign,
                sent = new { accepted = summary.TheyAccepted, refused = summary.TheyRefused },
                received = new { accepted = summary.WeAccepted, refused = summary.WeRefused },
                errors = summary.Errors,
            });
        }
        catch (Exception error) when (error is System.Net.WebSockets.WebSocketException or OperationCanceledException or HttpRequestException)
        {
            return OpsReply.Failure(OpsErrors.Unreachable, $"{endpoint}/ws/coordinate could not be reached: {error.Message}");
        }
    }

    private static async Task<OpsReply> CertificatesAsync(Incarnation incarnation)
    {
        if (!incarnation.Registry.TryGet<CertificateAuthority>(out var authority)) return NotAvailable("certificates");
        var list = await authority.Ask<CertificateList>(ListCertificates.Instance, AskTimeout);
        return OpsReply.Success(new
        {
            certificates = list.Certificates.Select(c => new
            {
                fingerprint = c.Fingerprint,
                callsign = c.Callsign,
                licenseClass = c.LicenseClass,
                trustLevel = c.TrustLevel.ToString().ToLowerInvariant(),
            }).ToArray(),
        });
    }

    private static OpsReply WithAddress(OpsRequest request, Func<Address, OpsReply> command)
    {
        if (request.Args.Count != 1)
            return OpsReply.Failure(OpsErrors.BadRequest, $"'{request.Palette} {request.Command}' takes one Akka address, e.g. akka.tcp://mesh@node1:4053.");
        try
        {
            var address = Address.Parse(request.Args[0]);
            if (address.Host is null || address.Port is null) throw new UriFormatException("no host or port");
            return command(address);
        }
        catch (Exception error) when (error is UriFormatException or ArgumentException or FormatException)
        {
            return OpsReply.Failure(OpsErrors.InvalidAddress, $"'{request.Args[0]}' is not an Akka address such as akka.tcp://mesh@node1:4053.");
        }
    }

    private static bool IsMember(Cluster cluster, Address address) =>
        cluster.State.Members.Any(m => m.Address.Equals(address)) || cluster.State.Unreachable.Any(m => m.Address.Equals(address));

    private static OpsReply UnknownMember(Address address) =>
        OpsReply.Failure(OpsErrors.UnknownMember, $"{address} is not a member of this node's cluster (see meshctl cluster show).");

    private static OpsReply NotAvailable(string feature) =>
        OpsReply.Failure(OpsErrors.NotAvailable, $"{feature} is not available on this node yet.");
}
