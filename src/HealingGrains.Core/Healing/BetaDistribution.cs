namespace HealingGrains.Core.Healing;

/// <summary>The Beta distribution's mean, quantiles and samples, for success probabilities with Beta posteriors.</summary>
public static class BetaDistribution
{
    /// <summary>The mean α / (α + β).</summary>
    public static double Mean(double alpha, double beta) => alpha / (alpha + beta);

    /// <summary>The <paramref name="p"/>-quantile, by bisection on the regularised incomplete beta function (accurate to 1e-9).</summary>
    public static double Quantile(double alpha, double beta, double p)
    {
        Check(alpha, beta);
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        double low = 0, high = 1;
        for (var i = 0; i < 60; i++)
        {
            var mid = (low + high) / 2;
            if (Cdf(alpha, beta, mid) < p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return (low + high) / 2;
    }

    /// <summary>P(X ≤ x) for X ~ Beta(α, β): the regularised incomplete beta function I_x(α, β).</summary>
    public static double Cdf(double alpha, double beta, double x)
    {
        Check(alpha, beta);
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var front = Math.Exp((alpha * Math.Log(x)) + (beta * Math.Log(1 - x)) - LogBeta(alpha, beta));

        // The continued fraction converges fast only on one side of the mean; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
        return x < (alpha + 1) / (alpha + beta + 2)
            ? front * ContinuedFraction(alpha, beta, x) / alpha
            : 1 - (front * ContinuedFraction(beta, alpha, 1 - x) / beta);
    }

    /// <summary>A sample from Beta(α, β), as X/(X+Y) with X ~ Gamma(α), Y ~ Gamma(β).</summary>
    public static double Sample(double alpha, double beta, Random random)
    {
        Check(alpha, beta);
        ArgumentNullException.ThrowIfNull(random);
        var x = SampleGamma(alpha, random);
        var y = SampleGamma(beta, random);
        return x / (x + y);
    }

    private static void Check(double alpha, double beta)
    {
        if (!(alpha > 0) || !(beta > 0) || double.IsInfinity(alpha) || double.IsInfinity(beta))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), $"Beta({alpha}, {beta}) needs two positive, finite parameters.");
        }
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    // Lanczos approximation (g = 7, n = 9), accurate to about 15 digits for positive arguments.
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = c[0];
        for (var i = 1; i < 9; i++)
        {
            sum += c[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    // Lentz's method for the continued fraction of the incomplete beta function.
    private static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-12)
            {
                break;
            }
        }

        return h;
    }

    // Marsaglia and Tsang's method; shape < 1 is boosted by U^(1/shape).
    private static double SampleGamma(double shape, Random random)
    {
        if (shape < 1)
        {
            return SampleGamma(shape + 1, random) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    private static double StandardNormal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
