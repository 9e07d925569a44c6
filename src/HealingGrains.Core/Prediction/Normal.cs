namespace HealingGrains.Core.Prediction;

/// <summary>The standard normal distribution.</summary>
public static class Normal
{
    /// <summary>P(Z ≤ <paramref name="z"/>), accurate to about 1e-7 (Abramowitz and Stegun 7.1.26).</summary>
    public static double Cdf(double z)
    {
        if (double.IsNaN(z))
        {
            return 0.5;
        }

        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var erf = 1 - (((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t * Math.Exp(-x * x));
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
