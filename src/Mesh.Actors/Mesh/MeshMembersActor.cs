using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace Mesh.Actors.Mesh;

/// <summary>Answers what the cluster looks like from here, with each member's operator callsign from the replicated node cards.</summary>
public sealed class MeshMembersActor : ReceiveActor
{
    public static readonly LWWDictionaryKey<string, NodeCard> CardsKey = new("mesh-node-cards");
    private readonly Cluster cluster = Cluster.Get(Context.System);
    private readonly IActorRef replicator = DistributedData.Get(Context.System).Replicator;
    private readonly string nodeId;
    private IReadOnlyDictionary<string, NodeCard> cards = new Dictionary<string, NodeCard>();

    public MeshMembersActor(string nodeId, string? callsign)
    {
        this.nodeId = nodeId;
        Receive<MeshMembers.GetView>(_ => Sender.Tell(View()));
        Receive<MeshMembers.SetCallsign>(set => Publish(set.Callsign));
        Receive<Changed>(changed => cards = changed.Get(CardsKey).Entries.ToDictionary());
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            // The oldest survivor tidies up, so a departed node's card does not linger.
            if (cluster.State.Leader?.Equals(cluster.SelfAddress) == true)
            {
                var address = removed.Member.Address.ToString();
                replicator.Tell(Dsl.Update(CardsKey, LWWDictionary<string, NodeCard>.Empty, WriteLocal.Instance, d => d.Remove(cluster, address)));
            }
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(_ => { });
        Publish(callsign);
    }

    public static Props Props(string nodeId, string? callsign) => Akka.Actor.Props.Create(() => new MeshMembersActor(nodeId, callsign));

    protected override void PreStart()
    {
        replicator.Tell(Dsl.Subscribe(CardsKey, Self));
        cluster.Subscribe(Self, typeof(ClusterEvent.MemberRemoved));
    }

    protected override void PostStop() => cluster.Unsubscribe(Self);

    private void Publish(string? callsign)
    {
        var card = new NodeCard(nodeId, callsign);
        var address = cluster.SelfAddress.ToString();
        replicator.Tell(Dsl.Update(CardsKey, LWWDictionary<string, NodeCard>.Empty, WriteLocal.Instance, d => d.SetItem(cluster, address, card)));
    }

    private MeshView View()
    {
        var state = cluster.State;
        var members = state.Members
            .Select(m => new MeshMemberView(
                m.Address.ToString(),
                char.ToLowerInvariant(m.Status.ToString()[0]) + m.Status.ToString()[1..],
                cards.GetValueOrDefault(m.Address.ToString())?.Callsign,
                m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList()))
            .ToList();
        return new MeshView(cluster.SelfAddress.ToString(), state.Leader?.ToString(), members,
            state.Unreachable.Select(m => m.Address.ToString()).ToList());
    }
}
