namespace HealingGrains.Portal;

/// <summary>What the host configured for the portal's sign-in page.</summary>
/// <param name="OpenIdConnect">Whether "Sign in with Entra ID" (OpenID Connect) is offered.</param>
public sealed record PortalFeatures(bool OpenIdConnect);
