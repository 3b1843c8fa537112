using System.Reflection;
using System.Security.Cryptography;

namespace Mesh.Actors.Node;

/// <summary>Who this node is: a stable id kept in the data directory, and the version it runs.</summary>
public sealed record NodeIdentity(string NodeId, string Version)
{
    private const string IdFileName = "node-id";

    /// <summary>The id made on first start; the data directory is created if missing.</summary>
    public static NodeIdentity LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, IdFileName);
        if (File.Exists(path))
        {
            var stored = File.ReadAllText(path).Trim();
            if (stored.Length == 16 && stored.All(Uri.IsHexDigit)) return new NodeIdentity(stored, CurrentVersion);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(path, id);
        return new NodeIdentity(id, CurrentVersion);
    }

    /// <summary>MAJOR.MINOR.PATCH-BUILD, the build suffix set at build time (BuildSuffix).</summary>
    public static string CurrentVersion { get; } = ReadVersion();

    private static string ReadVersion()
    {
        var informational = typeof(NodeIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0-unknown";
        var metadata = informational.IndexOf('+');
        return metadata < 0 ? informational : informational[..metadata];
    }
}
