// The daemon's configuration: flags over the operator's HOCON file over the built-in defaults.
using Akka.Configuration;
using Mesh.Actors.Node;

namespace Mesh.Node;

public sealed record NodeConfiguration(Config Hocon, NodeSettings Settings)
{
    private const string DefaultsResource = "Mesh.Node.hocon.node.hocon";

    public static Config Defaults { get; } = LoadDefaults();

    /// <exception cref="InvalidConfigurationException">a file that cannot be read, or a wrong key or value, named in the message</exception>
    public static NodeConfiguration Load(NodeCommandLine commandLine)
    {
        var file = commandLine.ConfigFile ?? Path.Combine(AppContext.BaseDirectory, "hocon", "node.hocon");
        var operatorConfig = ReadFile(file, required: commandLine.ConfigFile is not null);
        var overrides = ConfigurationFactory.ParseString(string.Join("\n", commandLine.HoconOverrides));
        var hocon = overrides.WithFallback(operatorConfig).WithFallback(Defaults);
        RefuseUnknownKeys(operatorConfig);
        var settings = NodeSettings.FromConfig(hocon);
        return new NodeConfiguration(WithPublicHostname(hocon, settings), settings);
    }

    private static Config ReadFile(string path, bool required)
    {
        if (!File.Exists(path))
        {
            return required
                ? throw new InvalidConfigurationException("config", $"file '{path}' does not exist")
                : Config.Empty;
        }

        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception error)
        {
            throw new InvalidConfigurationException("config", $"'{path}' is not valid HOCON: {error.Message.Split('\n')[0]}");
        }
    }

    /// <summary>A misspelt key would silently do nothing; every mesh key must be one the defaults document.</summary>
    private static void RefuseUnknownKeys(Config operatorConfig)
    {
        if (operatorConfig.IsEmpty || !operatorConfig.HasPath("mesh")) return;
        var known = Leaves(Defaults.GetConfig("mesh")).ToHashSet();
        var unknown = Leaves(operatorConfig.GetConfig("mesh")).FirstOrDefault(key => !known.Contains(key));
        if (unknown is not null) throw new InvalidConfigurationException(unknown, "is not a key mesh-node knows (see hocon/node.hocon for the keys there are)");
    }

    private static IEnumerable<string> Leaves(Config config) => Leaves("", config.Root.GetObject());

    private static IEnumerable<string> Leaves(string prefix, Akka.Configuration.Hocon.HoconObject hocon) =>
        hocon.Items.SelectMany(item => item.Value.IsObject()
            ? Leaves(prefix + item.Key + ".", item.Value.GetObject())
            : [prefix + item.Key]);

    /// <summary>Akka needs the address other nodes reach; the operator says it once, as mesh.public-host.</summary>
    private static Config WithPublicHostname(Config hocon, NodeSettings settings)
    {
        if (hocon.GetString("akka.remote.dot-netty.tcp.public-hostname", "").Length > 0) return hocon;
        var publicHost = settings.PublicHost.Length > 0 ? settings.PublicHost : System.Net.Dns.GetHostName();
        return ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.public-hostname = {System.Text.Json.JsonSerializer.Serialize(publicHost)}")
            .WithFallback(hocon);
    }

    private static Config LoadDefaults()
    {
        using var stream = typeof(NodeConfiguration).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"the build did not embed {DefaultsResource}");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
