// How a request reaches an actor: looked up in the current incarnation, asked with the edge's time limit.
using Akka.Actor;
using Akka.Hosting;
using Mesh.Node.Runtime;

namespace Mesh.Node.Edge;

public static class EdgeActors
{
    /// <summary>How long a request waits for an actor's answer before the node is called busy.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The certificate authority signs and journals each issuance in turn, so a burst queues behind it.</summary>
    public static readonly TimeSpan CertificateAuthorityTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="handle"/> with the actor registered under <typeparamref name="TKey"/> in this incarnation:
    /// 503 NODE_STARTING when there is none (no incarnation, or the feature has not registered yet),
    /// 503 NODE_BUSY when an actor it asks does not answer in time.
    /// </summary>
    public static async Task<IResult> WithActor<TKey>(this Incarnation? incarnation, Func<IActorRef, Task<IResult>> handle)
    {
        if (incarnation?.Registry.TryGet<TKey>(out var actor) != true) return ErrorResults.NodeStarting();
        try
        {
            return await handle(actor!);
        }
        catch (AskTimeoutException)
        {
            return ErrorResults.NodeBusy();
        }
    }

    /// <inheritdoc cref="WithActor{TKey}(Incarnation?, Func{IActorRef, Task{IResult}})"/>
    public static Task<IResult> WithActor<TKey>(this MeshRuntime runtime, Func<IActorRef, Task<IResult>> handle) =>
        runtime.Current.WithActor<TKey>(handle);

    /// <summary>Asks with <see cref="AnswerTimeout"/> unless the actor is known to need longer.</summary>
    public static Task<T> AskInTime<T>(this IActorRef actor, object message, TimeSpan? timeout = null) =>
        actor.Ask<T>(message, timeout ?? AnswerTimeout);
}
