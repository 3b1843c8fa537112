using Mesh.Node.Tests.Infrastructure;

namespace Mesh.Node.Tests.Mesh;

/// <summary>A three-process cluster shared by the tests of a class; the collection keeps process-heavy mesh tests from running side by side.</summary>
public sealed class MeshProcesses : IAsyncLifetime
{
    public const string Collection = "mesh processes";
    private MeshNodes? mesh;

    public MeshNodes Mesh => mesh ?? throw new InvalidOperationException("the mesh has not started");

    public async Task InitializeAsync() => mesh = await MeshNodes.StartAsync(3);

    public async Task DisposeAsync()
    {
        if (mesh is not null) await mesh.DisposeAsync();
    }
}

[CollectionDefinition(MeshProcesses.Collection)]
public sealed class MeshProcessesCollection;
