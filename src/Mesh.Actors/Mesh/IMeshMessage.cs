namespace Mesh.Actors.Mesh;

/// <summary>
/// Marks the few messages that cross nodes. Each is bound in HOCON to <see cref="MeshMessageSerializer"/>,
/// so none can fall through to Akka's default JSON serializer by accident.
/// </summary>
public interface IMeshMessage;
