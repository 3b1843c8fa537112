// The node's own settings, read once from the `mesh` block of the HOCON file.
using Akka.Configuration;
using Mesh.Actors.Certificates;
using Mesh.Actors.Discovery;
using Mesh.Actors.Mesh;
using Mesh.Actors.Signaling;

namespace Mesh.Actors.Node;

public sealed record NodeSettings(
    string DataDirectory,
    string CertificateDirectory,
    string HttpBind,
    int HttpPort,
    int OpsPort,
    bool MetricsEnabled,
    string PublicHost,
    DiscoverySettings Discovery,
    string LogFormat,
    string LogLevel,
    SignalingSettings Signaling,
    CertificateSettings Certificates,
    MeshSettings Mesh)
{
    public static NodeSettings FromConfig(Config config)
    {
        var mesh = config.GetConfig("mesh") ?? throw new InvalidConfigurationException("mesh", "the mesh block is missing");
        var dataDirectory = ConfigReader.NonEmptyString(mesh, "data-dir");
        var certificateDirectory = mesh.GetString("cert-dir", "");
        var logFormat = ConfigReader.OneOf(mesh, "log.format", "text", "json");
        var logLevel = ConfigReader.OneOf(mesh, "log.level", "Trace", "Debug", "Information", "Warning", "Error");
        var fullDataDirectory = Path.GetFullPath(dataDirectory);
        var fullCertificateDirectory = Path.GetFullPath(certificateDirectory.Length == 0 ? Path.Combine(dataDirectory, "certs") : certificateDirectory);
        return new NodeSettings(
            DataDirectory: fullDataDirectory,
            CertificateDirectory: fullCertificateDirectory,
            HttpBind: ConfigReader.NonEmptyString(mesh, "http.bind"),
            HttpPort: ConfigReader.Port(mesh, "http.port"),
            OpsPort: ConfigReader.Port(mesh, "ops.port"),
            MetricsEnabled: mesh.GetBoolean("metrics.enabled", true),
            PublicHost: mesh.GetString("public-host", ""),
            Discovery: DiscoverySettings.FromConfig(mesh),
            LogFormat: logFormat,
            LogLevel: logLevel,
            Signaling: SignalingSettings.FromConfig(mesh),
            Certificates: CertificateSettings.FromConfig(mesh, fullDataDirectory, fullCertificateDirectory),
            Mesh: MeshSettings.FromConfig(mesh));
    }
}

/// <summary>A wrong key or value in the operator's config: start-up stops with one line naming it.</summary>
public sealed class InvalidConfigurationException(string key, string problem)
    : Exception($"mesh.{key}: {problem}")
{
    public string Key { get; } = key;
}

/// <summary>Reads HOCON values and names the key when a value is wrong.</summary>
public static class ConfigReader
{
    public static string NonEmptyString(Config config, string key)
    {
        var value = Read(key, () => config.GetString(key, ""));
        return value.Length > 0 ? value : throw new InvalidConfigurationException(key, "must not be empty");
    }

    public static int Port(Config config, string key) => IntInRange(config, key, 0, 65535);

    public static int IntInRange(Config config, string key, int min, int max)
    {
        if (!config.HasPath(key)) throw new InvalidConfigurationException(key, "is missing");
        var value = Read(key, () => config.GetLong(key));
        return value >= min && value <= max
            ? (int)value
            : throw new InvalidConfigurationException(key, $"must be between {min} and {max}, not {value}");
    }

    public static TimeSpan PositiveDuration(Config config, string key)
    {
        if (!config.HasPath(key)) throw new InvalidConfigurationException(key, "is missing");
        var value = Read(key, () => config.GetTimeSpan(key, null, allowInfinite: false));
        return value > TimeSpan.Zero ? value : throw new InvalidConfigurationException(key, "must be a positive duration such as 30s");
    }

    public static string OneOf(Config config, string key, params string[] allowed)
    {
        var value = Read(key, () => config.GetString(key, ""));
        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new InvalidConfigurationException(key, $"must be one of {string.Join(", ", allowed)}, not '{value}'");
    }

    private static T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception error) when (error is not InvalidConfigurationException)
        {
            throw new InvalidConfigurationException(key, $"cannot be read ({error.Message})");
        }
    }
}
