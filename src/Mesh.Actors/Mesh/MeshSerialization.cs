using Akka.Configuration;

namespace Mesh.Actors.Mesh;

/// <summary>The HOCON that binds every <see cref="IMeshMessage"/> to <see cref="MeshMessageSerializer"/>; used by the daemon and by tests alike.</summary>
public static class MeshSerialization
{
    public const string Hocon = """
        akka.actor {
          serializers.mesh = "Mesh.Actors.Mesh.MeshMessageSerializer, Mesh.Actors"
          serialization-bindings {
            "Mesh.Actors.Mesh.IMeshMessage, Mesh.Actors" = mesh
          }
          serialization-identifiers {
            "Mesh.Actors.Mesh.MeshMessageSerializer, Mesh.Actors" = 4053
          }
        }
        """;

    public static Config Config { get; } = ConfigurationFactory.ParseString(Hocon);
}
