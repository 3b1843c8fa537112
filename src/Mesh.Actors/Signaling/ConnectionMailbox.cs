// The mailbox of a connection actor: a node holds one per client, most of them idle.
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Mesh.Actors.Signaling;

/// <summary>
/// An unbounded mailbox that costs an idle actor about a hundred bytes. Akka's default queue starts
/// with a 32-slot segment, about 1 kB an actor, which at 10,000 held clients was a tenth of what the
/// node's own objects cost each of them (P4 in docs/benchmarks.md). A connection actor's queue is short
/// and seldom contended, so a lock around a growing array does as well.
/// </summary>
public sealed class ConnectionMailbox : MailboxType, IProducesMessageQueue<ConnectionMailbox.Queue>
{
    /// <summary>The config path <see cref="Props.WithMailbox"/> names; <see cref="Hocon"/> defines it.</summary>
    public const string Id = "mesh-connection-mailbox";

    public const string Hocon = Id + ".mailbox-type = \"Mesh.Actors.Signaling.ConnectionMailbox, Mesh.Actors\"";

    public ConnectionMailbox(Settings settings, Config config) : base(settings, config)
    {
    }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    public sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly Queue<Envelope> envelopes = new();

        public bool HasMessages => Count > 0;

        public int Count
        {
            get
            {
                lock (envelopes) return envelopes.Count;
            }
        }

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (envelopes) envelopes.Enqueue(envelope);
        }

        public bool TryDequeue(out Envelope envelope)
        {
            lock (envelopes) return envelopes.TryDequeue(out envelope);
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
        }
    }
}
