using HealingGrains.Core.Prediction;
using Microsoft.Extensions.Options;

namespace HealingGrains.Silo.Configuration;

/// <summary>Fails start-up when a <c>HealingGrains:Prediction</c> setting is out of range, saying which and how to fix it.</summary>
internal sealed class PredictionOptionsValidator : IValidateOptions<PredictionOptions>
{
    public ValidateOptionsResult Validate(string? name, PredictionOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
