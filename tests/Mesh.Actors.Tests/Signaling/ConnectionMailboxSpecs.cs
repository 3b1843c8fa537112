using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class ConnectionMailboxSpecs() : TestKit(ConnectionMailbox.Hocon)
{
    private static readonly SignalingSettings Settings = new(
        MaxMessageBytes: 65536, MessagesPerMinute: 60, Burst: 10, CloseAfterRefusals: 5, IceCandidatesPerSession: 2,
        IdleTimeout: TimeSpan.FromSeconds(30), PingInterval: TimeSpan.FromSeconds(10), OutboundQueue: 16, PeerListLimit: 100);

    [Fact]
    public async Task Connections_get_the_small_mailbox()
    {
        var connections = Sys.ActorOf(ConnectionsActor.Props(CreateTestProbe().Ref, CreateTestProbe().Ref, Settings, "test"));

        var accepted = await connections.Ask<Connection.Accepted>(new Connection.Accept(new ClientOutbox(16)), RemainingOrDefault);

        Assert.IsType<ConnectionMailbox.Queue>(MessageQueueOf(accepted.Connection));
    }

    [Fact]
    public async Task Messages_from_many_threads_all_arrive_each_sender_in_order()
    {
        const int senders = 4, perSender = 5_000;
        var collector = Sys.ActorOf(Props.Create(() => new Collector(TestActor, senders * perSender)).WithMailbox(ConnectionMailbox.Id));

        await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++) collector.Tell((sender, i));
        })));

        var received = ExpectMsg<List<(int Sender, int Index)>>(TimeSpan.FromSeconds(10));
        Assert.IsType<ConnectionMailbox.Queue>(MessageQueueOf(collector));
        Assert.Equal(senders * perSender, received.Count);
        foreach (var group in received.GroupBy(message => message.Sender))
            Assert.Equal(Enumerable.Range(0, perSender), group.Select(message => message.Index));
    }

    [Fact]
    public void What_is_left_when_the_actor_stops_goes_to_dead_letters_in_order()
    {
        var queue = new ConnectionMailbox.Queue();
        var deadLetters = new UnboundedMessageQueue();
        foreach (var message in new[] { "a", "b", "c" }) queue.Enqueue(TestActor, new Envelope(message, TestActor));

        Assert.Equal(3, queue.Count);
        queue.CleanUp(TestActor, deadLetters);

        Assert.False(queue.HasMessages);
        var left = new List<object>();
        while (deadLetters.TryDequeue(out var envelope)) left.Add(envelope.Message!);
        Assert.Equal(["a", "b", "c"], left);
    }

    private static IMessageQueue MessageQueueOf(IActorRef actor) => ((ActorCell)((ActorRefWithCell)actor).Underlying).Mailbox!.MessageQueue;

    private sealed class Collector : ReceiveActor
    {
        private readonly List<(int, int)> received = [];

        public Collector(IActorRef reportTo, int expected)
        {
            Receive<(int, int)>(message =>
            {
                received.Add(message);
                if (received.Count == expected) reportTo.Tell(received);
            });
        }
    }
}
