// Who owns this node and what it offers, told to everyone who shows it (HELLO, mDNS) when it changes.
namespace Mesh.Actors.Node;

/// <summary>
/// Published on the EventStream by the certificate authority after recovery and after a claim,
/// delegation or blacklisting changes the owner or the right to issue.
/// </summary>
public sealed record NodeOwnershipChanged(string? Owner, bool CanIssue)
{
    /// <summary>What the node offers (/api/info `capabilities`, mDNS `caps`): `ca` once it may issue.</summary>
    public IReadOnlyList<string> Capabilities => NodeCapabilities.Of(CanIssue);
}

/// <summary>Published by an actor that starts after the certificate authority has told its news: tell it again.</summary>
public sealed record NodeOwnershipRequested
{
    public static readonly NodeOwnershipRequested Instance = new();
}

public static class NodeCapabilities
{
    public static string[] Of(bool canIssue) =>
        canIssue ? ["signaling", "webrtc", "ca", "mesh"] : ["signaling", "webrtc", "mesh"];
}
