// An amateur radio callsign as certificates carry it: upper case, ITU shape, optional portable parts.
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Mesh.Actors.Certificates;

public readonly partial record struct Callsign
{
    public string Value { get; }

    private Callsign(string value) => Value = value;

    public static bool TryParse([NotNullWhen(true)] string? text, out Callsign callsign)
    {
        callsign = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var upper = text.Trim().ToUpperInvariant();
        if (upper.Length > 20 || !Shape().IsMatch(upper))
            return false;
        callsign = new Callsign(upper);
        return true;
    }

    public static Callsign Parse(string text) =>
        TryParse(text, out var callsign) ? callsign : throw new FormatException($"'{text}' is not a callsign.");

    public override string ToString() => Value;

    // Prefix of 1-3 letters/digits, a digit, a suffix ending in a letter; "DL/" before or "/P" after for portable use.
    [GeneratedRegex(@"^(?:[A-Z0-9]{1,4}/)?[A-Z0-9]{1,3}[0-9][A-Z0-9]{0,4}[A-Z](?:/[A-Z0-9]{1,4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
