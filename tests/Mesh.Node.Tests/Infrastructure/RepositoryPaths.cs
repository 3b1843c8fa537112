namespace Mesh.Node.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The checkout's top folder (the one holding Mesh.Actors.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>mesh-node.dll as this test build copied it beside the tests.</summary>
    public static string NodeAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "mesh-node.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.Actors.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException("Mesh.Actors.sln not found above " + AppContext.BaseDirectory);
    }
}
