namespace Mesh.Node.Tests.Infrastructure;

/// <summary>One mesh-node with its ops endpoint open on a free loopback port, shared by a class's tests.</summary>
public sealed class OpsNodeFixture : IAsyncLifetime
{
    private NodeProcess? node;

    public NodeProcess Node => node ?? throw new InvalidOperationException("the node has not started");

    public async Task InitializeAsync() => node = await NodeProcess.StartAsync(withOps: true);

    public async Task DisposeAsync()
    {
        if (node is not null) await node.DisposeAsync();
    }
}
