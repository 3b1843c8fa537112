using Akka.Hosting;

namespace Mesh.Actors.Signaling;

/// <summary>ActorRegistry key for whatever checks licenses (the CA when configured).</summary>
public sealed class LicenseVerifier;

public static class SignalingHosting
{
    /// <summary>
    /// Presence and the connections parent. A feature that checks licenses registers its actor under
    /// <see cref="LicenseVerifier"/> before this runs; without one, no client can be shown licensed.
    /// </summary>
    public static AkkaConfigurationBuilder AddSignaling(this AkkaConfigurationBuilder builder, SignalingSettings settings, string version) =>
        builder.AddHocon(ConnectionMailbox.Hocon, HoconAddMode.Append).WithActors((system, registry) =>
        {
            var presence = system.ActorOf(PresenceActor.Props(settings.PeerListLimit), "presence");
            registry.Register<PresenceActor>(presence);
            if (!registry.TryGet<LicenseVerifier>(out var verifier))
            {
                verifier = system.ActorOf(NoTrustStoreLicenseVerifierActor.Props(), "license-verifier");
                registry.Register<LicenseVerifier>(verifier);
            }

            registry.Register<ConnectionsActor>(system.ActorOf(ConnectionsActor.Props(presence, verifier, settings, version), "connections"));
        });
}
