using Xunit;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Mesh.Actors.Mesh;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Mesh;

public sealed class MeshMessageSerializerSpecs() : Akka.TestKit.Xunit2.TestKit(MeshSpec.NodeConfig, "mesh")
{
    [Fact]
    public void Every_message_that_crosses_nodes_is_bound_to_the_mesh_serializer()
    {
        object[] messages = [new Presence.Deliver([1, 2]), new PresenceEntry("id", "K1ABC", true, TestActor), new NodeCard("0123456789abcdef", null)];

        Assert.All(messages, message => Assert.IsType<MeshMessageSerializer>(Sys.Serialization.FindSerializerFor(message)));
    }

    [Fact]
    public void A_presence_entry_survives_the_round_trip_with_its_connection_actor()
    {
        var entry = new PresenceEntry("client-1", "W1AW", true, TestActor);

        var back = RoundTrip(entry);

        Assert.Equal(entry, back);
    }

    [Fact]
    public void A_relayed_frame_and_a_node_card_survive_the_round_trip()
    {
        var deliver = new Presence.Deliver("{\"type\":\"OFFER_RECEIVED\"}"u8.ToArray());

        Assert.Equal(deliver.Frame, ((Presence.Deliver)RoundTrip(deliver)).Frame);
        Assert.Equal(new NodeCard("abc", "K1ABC"), RoundTrip(new NodeCard("abc", "K1ABC")));
        Assert.Equal(new NodeCard("abc", null), RoundTrip(new NodeCard("abc", null)));
    }

    [Fact]
    public void A_version_this_node_does_not_know_is_refused_not_guessed()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(NodeCard));

        Assert.Throws<SerializationException>(() => serializer.FromBinary([0, 1, 2], "node-card.v2"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([1], MeshMessageSerializer.NodeCardV1));
    }

    private object RoundTrip(object message)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        return serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }
}
