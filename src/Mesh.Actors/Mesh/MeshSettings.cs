using Akka.Configuration;
using Mesh.Actors.Node;

namespace Mesh.Actors.Mesh;

/// <summary>How the node joins the mesh; the cluster's own timings stay in the akka block.</summary>
public sealed record MeshSettings(TimeSpan FormAloneAfter)
{
    /// <param name="mesh">the `mesh` block; keys are read under `cluster.`</param>
    public static MeshSettings FromConfig(Config mesh)
    {
        if (!mesh.HasPath("cluster.form-alone-after")) throw new InvalidConfigurationException("cluster.form-alone-after", "is missing");
        var formAloneAfter = mesh.GetTimeSpan("cluster.form-alone-after", null, allowInfinite: false);
        return formAloneAfter >= TimeSpan.Zero
            ? new MeshSettings(formAloneAfter)
            : throw new InvalidConfigurationException("cluster.form-alone-after", "must be a duration of 0s or more");
    }
}
