using Akka.Actor;

namespace Mesh.Actors.Signaling;

/// <summary>
/// Answers REGISTER-with-certificate on a node that has no trust store: nobody can be shown licensed.
/// The certificate authority replaces it with chain validation when it is configured.
/// </summary>
public sealed class NoTrustStoreLicenseVerifierActor : ReceiveActor
{
    public NoTrustStoreLicenseVerifierActor()
    {
        Receive<License.Verify>(_ => Sender.Tell(new License.Rejected("This node has no trust store, so it cannot check certificates.")));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new NoTrustStoreLicenseVerifierActor());
}
