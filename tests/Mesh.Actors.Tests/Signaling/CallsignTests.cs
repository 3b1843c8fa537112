using Mesh.Actors.Signaling;

namespace Mesh.Actors.Tests.Signaling;

public sealed class CallsignTests
{
    [Theory]
    [InlineData("W1AW", "W1AW")]
    [InlineData("k1abc", "K1ABC")]
    [InlineData("2E0ABC", "2E0ABC")]
    [InlineData("VE3XYZ", "VE3XYZ")]
    [InlineData("DL1ABC/P", "DL1ABC/P")]
    [InlineData("W1/G4ABC", "W1/G4ABC")]
    [InlineData("guest", "GUEST")]
    public void Amateur_callsigns_and_guest_are_accepted_in_upper_case(string text, string expected)
    {
        Assert.Equal(expected, Callsign.Normalize(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("W1")]
    [InlineData("NOCALL")]
    [InlineData("K1 ABC")]
    [InlineData("K1ABC<script>")]
    [InlineData("ABCDEFGHIJ1KLMNOP")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.Null(Callsign.Normalize(text));
    }
}
