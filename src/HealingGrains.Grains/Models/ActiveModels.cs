using HealingGrains.Learning.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealingGrains.Grains.Models;

/// <summary>A loaded model and the version label it was loaded from (<c>ErrorClassifier/3</c>).</summary>
public sealed record ActiveModel<T>(T Model, string Version);

/// <summary>
/// The active version of each model kind, loaded once per silo and shared by every grain on it. Every
/// <see cref="ModelRegistryOptions.RefreshInterval"/> the silo asks the registry which version is active and loads a
/// new one when it changed: a promotion or a rollback reaches every classifier and deployment grain without a restart.
/// </summary>
public sealed partial class ActiveModels(
    IGrainFactory grains, TimeProvider time, IOptions<ModelRegistryOptions> options, ILogger<ActiveModels> logger)
{
    private readonly Slot<ErrorClassifier> _classifier = new(ModelKind.ErrorClassifier, ErrorClassifier.Load);
    private readonly Slot<FixPredictor> _fixPredictor = new(ModelKind.FixPredictor, FixPredictor.Load);
    private readonly Slot<RiskAssessor> _riskAssessor = new(ModelKind.RiskAssessor, RiskAssessor.Load);

    /// <summary>The active error classifier, or null when none is active.</summary>
    public Task<ActiveModel<ErrorClassifier>?> ClassifierAsync() => GetAsync(_classifier);

    /// <summary>The active fix predictor, or null.</summary>
    public Task<ActiveModel<FixPredictor>?> FixPredictorAsync() => GetAsync(_fixPredictor);

    /// <summary>The active risk assessor, or null.</summary>
    public Task<ActiveModel<RiskAssessor>?> RiskAssessorAsync() => GetAsync(_riskAssessor);

    private async Task<ActiveModel<T>?> GetAsync<T>(Slot<T> slot)
    {
        var seen = slot.Current;
        if (seen is not null && time.GetUtcNow() - seen.CheckedAt < options.Value.RefreshInterval)
        {
            return seen.Model;
        }

        await slot.Gate.WaitAsync();
        try
        {
            seen = slot.Current;
            var now = time.GetUtcNow();
            if (seen is not null && now - seen.CheckedAt < options.Value.RefreshInterval)
            {
                return seen.Model;
            }

            var active = await grains.GetGrain<IModelRegistryGrain>(slot.Kind.ToString()).GetActiveAsync();
            var model = seen?.Model;
            if (active is null)
            {
                model = null;
            }
            else if (model?.Version != active.Label)
            {
                var bytes = await grains.GetGrain<IModelVersionGrain>(ModelVersionKey.Format(slot.Kind, active.Version)).GetBytesAsync();
                try
                {
                    model = new ActiveModel<T>(slot.Load(bytes ?? throw new InvalidDataException("The version has no bytes.")), active.Label);
                    LogSwitched(logger, active.Label);
                }
                catch (InvalidDataException ex)
                {
                    // Registration checks every model, so this means a model of another build: keep what runs.
                    LogUnloadable(logger, ex, active.Label);
                }
            }

            slot.Current = new Seen<T>(now, model);
            return model;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Now using model {Version}")]
    private static partial void LogSwitched(ILogger logger, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Active model {Version} cannot be loaded; the previous one stays in use")]
    private static partial void LogUnloadable(ILogger logger, Exception exception, string version);

    private sealed record Seen<T>(DateTimeOffset CheckedAt, ActiveModel<T>? Model);

    private sealed class Slot<T>(ModelKind kind, Func<byte[], T> load)
    {
        public ModelKind Kind => kind;

        public Func<byte[], T> Load => load;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public volatile Seen<T>? Current;
    }
}
