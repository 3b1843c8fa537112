// The one member of IPNetwork2 2.x that Makaretu.Dns.Multicast 0.27.0 uses: IPNetwork.Parse(string),
// called with "169.254.0.0/16" and "fe80::/10". Nothing else in Makaretu touches the type.
using System.Globalization;

namespace System.Net
{
    /// <summary>An IP network in CIDR notation: a prefix address and a prefix length.</summary>
    public sealed class IPNetwork
    {
        private IPNetwork(IPAddress prefix, int prefixLength)
        {
            Prefix = prefix;
            PrefixLength = prefixLength;
        }

        public IPAddress Prefix { get; }

        public int PrefixLength { get; }

        /// <summary>Parses "address/length", e.g. "169.254.0.0/16".</summary>
        /// <exception cref="FormatException">The text is not an address and a prefix length in range.</exception>
        public static IPNetwork Parse(string network)
        {
            if (network is null)
            {
                throw new ArgumentNullException(nameof(network));
            }

            var slash = network.IndexOf('/');
            if (slash <= 0
                || !IPAddress.TryParse(network.Substring(0, slash), out var prefix)
                || !int.TryParse(network.Substring(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length > prefix.GetAddressBytes().Length * 8)
            {
                throw new FormatException($"'{network}' is not a network in CIDR notation.");
            }

            return new IPNetwork(prefix, length);
        }
    }
}
