using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Discovery;
using Mesh.Node.Edge;
using Mesh.Node.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Mesh.Node.Tests.Edge;

/// <summary>The one way every HTTP handler reaches an actor: found in this incarnation and answering in time, or a JSON 503.</summary>
public sealed class EdgeActorsTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task An_actor_that_does_not_answer_in_time_is_a_JSON_503_NODE_BUSY()
    {
        var silent = CreateTestProbe();
        var registry = new ActorRegistry();
        registry.Register<PeerDirectoryActor>(silent.Ref);
        var incarnation = new Incarnation(Sys, registry, DateTimeOffset.UtcNow);

        var result = await incarnation.WithActor<PeerDirectoryActor>(async directory =>
            Results.Json(await directory.AskInTime<string>("anyone there?")));

        silent.ExpectMsg("anyone there?");
        AssertError(result, StatusCodes.Status503ServiceUnavailable, "NODE_BUSY");
    }

    [Fact]
    public async Task A_node_between_incarnations_answers_503_NODE_STARTING()
    {
        var result = await ((Incarnation?)null).WithActor<PeerDirectoryActor>(_ => throw new InvalidOperationException("no actor to hand over"));

        AssertError(result, StatusCodes.Status503ServiceUnavailable, "NODE_STARTING");
    }

    [Fact]
    public async Task A_feature_that_has_not_registered_its_actor_yet_answers_503_NODE_STARTING()
    {
        var incarnation = new Incarnation(Sys, new ActorRegistry(), DateTimeOffset.UtcNow);

        var result = await incarnation.WithActor<PeerDirectoryActor>(_ => throw new InvalidOperationException("no actor to hand over"));

        AssertError(result, StatusCodes.Status503ServiceUnavailable, "NODE_STARTING");
    }

    [Fact]
    public async Task The_actors_answer_is_handed_to_the_handler()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var registry = new ActorRegistry();
        registry.Register<PeerDirectoryActor>(echo);
        var incarnation = new Incarnation(Sys, registry, DateTimeOffset.UtcNow);

        var result = await incarnation.WithActor<PeerDirectoryActor>(async directory =>
            Results.Json(await directory.AskInTime<string>("hello")));

        Assert.Equal("hello", Assert.IsType<JsonHttpResult<string>>(result).Value);
    }

    private static void AssertError(IResult result, int status, string code)
    {
        Assert.Equal(status, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        var body = JsonSerializer.SerializeToElement(Assert.IsAssignableFrom<IValueHttpResult>(result).Value);
        Assert.Equal(code, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("details").GetString()));
    }

    private sealed class EchoActor : ReceiveActor
    {
        public EchoActor() => ReceiveAny(message => Sender.Tell(message));
    }
}
