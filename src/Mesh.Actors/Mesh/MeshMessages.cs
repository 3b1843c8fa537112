using Akka.Actor;

namespace Mesh.Actors.Mesh;

/// <summary>What a node tells the mesh about itself; replicated so /api/mesh can name every member's operator.</summary>
public sealed record NodeCard(string NodeId, string? Callsign) : IMeshMessage;

/// <summary>
/// Anything published on the EventStream that names a peer node's Akka address (discovery's
/// PeerDiscovered implements it); the join policy considers joining that peer's cluster.
/// </summary>
public interface IClusterPeerSighting
{
    string? AkkaAddress { get; }
}

/// <summary>A node's view of the cluster, as GET /api/mesh shows it.</summary>
public sealed record MeshView(string Self, string? Leader, IReadOnlyList<MeshMemberView> Members, IReadOnlyList<string> Unreachable);

public sealed record MeshMemberView(string Address, string Status, string? Callsign, IReadOnlyList<string> Roles);

public static class MeshMembers
{
    public sealed record GetView
    {
        public static readonly GetView Instance = new();
    }

    /// <summary>The node's operator callsign changed (claim); null while unclaimed.</summary>
    public sealed record SetCallsign(string? Callsign);
}

public static class ClusterJoin
{
    /// <summary>Join the cluster of the node at this address (an operator's or discovery's request).</summary>
    public sealed record JoinNode(Address Address);
}
