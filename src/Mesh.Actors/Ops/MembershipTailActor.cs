// Feeds cluster membership events to one `meshctl cluster tail` for as long as it watches.
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;

namespace Mesh.Actors.Ops;

/// <summary>One membership change as an operator reads it.</summary>
/// <param name="Event">MemberUp, MemberJoined, MemberLeft, MemberExited, MemberRemoved, MemberDowned, MemberWeaklyUp, UnreachableMember, ReachableMember, LeaderChanged</param>
/// <param name="Address">the member the event is about (the new leader for LeaderChanged; empty when there is none)</param>
public sealed record MembershipEvent(string Event, string Address, string Status, DateTimeOffset At);

/// <summary>
/// Subscribes to the cluster's membership events (current state first, as events) and writes them to a
/// channel the ops edge reads. The channel is completed when the actor stops, so the reader learns
/// that this actor system is gone.
/// </summary>
public sealed class MembershipTailActor : ReceiveActor
{
    private readonly ChannelWriter<MembershipEvent> events;

    public MembershipTailActor(ChannelWriter<MembershipEvent> events)
    {
        this.events = events;
        Receive<ClusterEvent.IMemberEvent>(change => Write(change.GetType().Name, change.Member.Address, change.Member.Status));
        Receive<ClusterEvent.UnreachableMember>(change => Write(nameof(ClusterEvent.UnreachableMember), change.Member.Address, change.Member.Status));
        Receive<ClusterEvent.ReachableMember>(change => Write(nameof(ClusterEvent.ReachableMember), change.Member.Address, change.Member.Status));
        Receive<ClusterEvent.LeaderChanged>(change => events.TryWrite(new MembershipEvent(
            nameof(ClusterEvent.LeaderChanged), change.Leader?.ToString() ?? "", "", DateTimeOffset.UtcNow)));
    }

    public static Props Props(ChannelWriter<MembershipEvent> events) => Akka.Actor.Props.Create(() => new MembershipTailActor(events));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        events.TryComplete();
    }

    // Statuses are spelt as GET /api/mesh and meshctl cluster show spell them: camelCase ("up", "weaklyUp").
    private void Write(string name, Address address, MemberStatus status) =>
        events.TryWrite(new MembershipEvent(name, address.ToString(), JsonNamingPolicy.CamelCase.ConvertName(status.ToString()), DateTimeOffset.UtcNow));
}
