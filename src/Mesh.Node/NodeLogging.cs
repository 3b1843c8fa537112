using Mesh.Actors.Node;

namespace Mesh.Node;

public static class NodeLogging
{
    /// <summary>One console log for Kestrel, the node and Akka (which logs through the same factory).</summary>
    public static ILoggingBuilder AddNodeLogging(this ILoggingBuilder logging, NodeSettings settings)
    {
        logging.ClearProviders();
        if (settings.LogFormat == "json")
        {
            logging.AddJsonConsole(json => json.TimestampFormat = "O");
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        logging.SetMinimumLevel(Enum.Parse<LogLevel>(settings.LogLevel));
        // ASP.NET's per-request chatter drowns the node's own log; its start-up lines stay.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        return logging;
    }
}
