// Between the certificate authority and the mesh trust replica, and what the replica persists.
namespace Mesh.Actors.Certificates;

/// <summary>The replica asks the authority for its facts now and after every change.</summary>
public sealed record SubscribeLocalTrust
{
    public static readonly SubscribeLocalTrust Instance = new();
}

/// <summary>Facts the authority decided or holds; the replica signs and spreads those the mesh does not have yet.</summary>
public sealed record LocalTrustStated(IReadOnlyList<TrustFact> Facts);

/// <summary>Facts other nodes stated, already checked: the authority takes them into its trust store and blacklist.</summary>
public sealed record AdoptMeshTrust(IReadOnlyList<TrustFact> Facts);

public sealed record GetMeshTrustStatus
{
    public static readonly GetMeshTrustStatus Instance = new();
}

/// <param name="Stored">entries kept in this node's store, its own and other nodes'.</param>
/// <param name="Rejected">entries from other nodes that failed a check since start.</param>
public sealed record MeshTrustStatus(int Stored, int Own, int Rejected);

/// <summary>An entry this node stated or accepted, kept so that a node that restarts alone still has it and spreads it again.</summary>
public sealed record MeshTrustEntryStored(SignedTrustEntry Entry, bool Own, DateTimeOffset At) : ICertificateAuthorityEvent;
