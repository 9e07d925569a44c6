using HealingGrains.Grains.Federation;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Configuration;

/// <summary>Fails start-up when a <c>HealingGrains:Federation</c> setting is invalid, saying which and how to fix it (never quoting a key).</summary>
internal sealed class FederationSettingsValidator : IValidateOptions<FederationSettings>
{
    public ValidateOptionsResult Validate(string? name, FederationSettings options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
