using System.Text.RegularExpressions;

namespace Mesh.Actors.Signaling;

/// <summary>An amateur radio callsign as a client names itself: prefix, digit, suffix, optional portable part.</summary>
public static partial class Callsign
{
    public const string Guest = "GUEST";

    [GeneratedRegex("^([A-Z0-9]{1,4}/)?[A-Z0-9]{0,3}[0-9][A-Z0-9]{0,3}[A-Z](/[A-Z0-9]{1,4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <returns>the upper-case callsign or GUEST; null when the text is neither.</returns>
    public static string? Normalize(string? text)
    {
        if (text is null || text.Length is < 3 or > 15) return null;
        var upper = text.ToUpperInvariant();
        return upper == Guest || Shape().IsMatch(upper) ? upper : null;
    }
}
