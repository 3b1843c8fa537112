namespace Mesh.Actors.Signaling;

/// <summary>How a client names itself on /ws/signal: a callsign (the one rule of <see cref="Certificates.Callsign"/>) or GUEST.</summary>
public static class Callsign
{
    public const string Guest = "GUEST";

    /// <returns>the upper-case callsign or GUEST; null when the text is neither.</returns>
    public static string? Normalize(string? text)
    {
        if (string.Equals(text, Guest, StringComparison.OrdinalIgnoreCase)) return Guest;
        return Certificates.Callsign.TryParse(text, out var callsign) && callsign.Value == text!.ToUpperInvariant() ? callsign.Value : null;
    }
}
