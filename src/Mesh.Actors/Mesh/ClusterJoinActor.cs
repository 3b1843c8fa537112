using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Mesh.Actors.Mesh;

/// <summary>
/// The joining policy. With seed nodes configured Akka joins them. Without seeds the node forms a
/// cluster of one after <c>formAloneAfter</c> unless a peer is seen first, then joins that peer. A
/// node that sees a peer outside its cluster with an address lower than its cluster's leader gives
/// its cluster up and re-forms into the peer's (the rule is deterministic, so two sides never both yield).
/// </summary>
public sealed class ClusterJoinActor : ReceiveActor, IWithTimers
{
    private readonly Cluster cluster = Cluster.Get(Context.System);
    private readonly ClusterJoinHints hints;
    private readonly TimeSpan formAloneAfter;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private bool joinRequested;

    public ClusterJoinActor(ClusterJoinHints hints, TimeSpan formAloneAfter)
    {
        this.hints = hints;
        this.formAloneAfter = formAloneAfter;
        Receive<IClusterPeerSighting>(sighting => Consider(sighting.AkkaAddress));
        Receive<ClusterJoin.JoinNode>(join => JoinOrYield(join.Address, operatorRequest: true));
        Receive<FormAlone>(_ =>
        {
            if (joinRequested) return;
            joinRequested = true;
            log.Info("No peer seen: forming a cluster of one at {Address}", cluster.SelfAddress);
            cluster.Join(cluster.SelfAddress);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClusterJoinHints hints, TimeSpan formAloneAfter) =>
        Akka.Actor.Props.Create(() => new ClusterJoinActor(hints, formAloneAfter));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(IClusterPeerSighting));
        if (hints.TakeNext() is { } target)
        {
            log.Info("Re-formed to join {Target}", target);
            joinRequested = true;
            cluster.Join(target);
        }
        else if (cluster.Settings.SeedNodes.Count == 0)
        {
            if (formAloneAfter <= TimeSpan.Zero) Self.Tell(FormAlone.Instance);
            else Timers.StartSingleTimer(FormAlone.Instance, FormAlone.Instance, formAloneAfter);
        }
        else
        {
            joinRequested = true;
        }
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Consider(string? akkaAddress)
    {
        if (akkaAddress is null || !ActorPath.TryParseAddress(akkaAddress, out var address)) return;
        JoinOrYield(address, operatorRequest: false);
    }

    private void JoinOrYield(Address peer, bool operatorRequest)
    {
        if (peer.Equals(cluster.SelfAddress) || cluster.State.Members.Any(m => m.Address.Equals(peer))) return;
        if (!joinRequested)
        {
            joinRequested = true;
            log.Info("Joining the cluster of {Peer}", peer);
            cluster.Join(peer);
            return;
        }

        // Akka's leader is the lowest address of its cluster, so "a peer below our leader" names the
        // cluster to move into; the cluster holding the lowest address never moves, and every other
        // node that sees one of its members joins it, so no two clusters stay apart while they see each other.
        var ourLeader = cluster.State.Leader ?? cluster.SelfAddress;
        if (!operatorRequest && Member.AddressOrdering.Compare(peer, ourLeader) >= 0) return;

        // A member cannot switch clusters: leave this one; the next incarnation joins the peer.
        log.Info("Giving up this cluster to join {Peer}", peer);
        hints.JoinNextTime(peer);
        cluster.Leave(cluster.SelfAddress);
    }

    private sealed record FormAlone
    {
        public static readonly FormAlone Instance = new();
    }
}
