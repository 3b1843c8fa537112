namespace Mesh.Node.Tests.Infrastructure;

/// <summary>One mesh-node with the default limits, shared by the tests of a class.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private NodeProcess? node;

    public NodeProcess Node => node ?? throw new InvalidOperationException("the node has not started");

    public async Task InitializeAsync() => node = await NodeProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (node is not null) await node.DisposeAsync();
    }
}
