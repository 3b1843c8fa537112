using Akka.Configuration;
using Mesh.Actors.Node;

namespace Mesh.Actors.Mesh;

/// <summary>How the node joins the mesh; the cluster's own timings stay in the akka block.</summary>
/// <param name="CoordinationMaxMessageBytes">largest /ws/coordinate message read; a longer one is answered with MESSAGE_TOO_LARGE.</param>
public sealed record MeshSettings(TimeSpan FormAloneAfter, int CoordinationMaxMessageBytes)
{
    /// <param name="mesh">the `mesh` block; keys are read under `cluster.` and `coordinate.`</param>
    public static MeshSettings FromConfig(Config mesh)
    {
        if (!mesh.HasPath("cluster.form-alone-after")) throw new InvalidConfigurationException("cluster.form-alone-after", "is missing");
        var formAloneAfter = mesh.GetTimeSpan("cluster.form-alone-after", null, allowInfinite: false);
        if (formAloneAfter < TimeSpan.Zero)
            throw new InvalidConfigurationException("cluster.form-alone-after", "must be a duration of 0s or more");
        return new MeshSettings(formAloneAfter, ConfigReader.IntInRange(mesh, "coordinate.max-message-bytes", 1024, 64 * 1024 * 1024));
    }
}
