namespace GraphEngine.Ops.Summaries;

/// <summary>
/// TF's summary histogram (core/lib/histogram/histogram.cc): fixed bucket limits that grow by
/// 10% from 1e-12 up to 1e20, mirrored for negatives, with 0 in the middle and ±DBL_MAX at the
/// ends. Bucket i counts values v with limit[i-1] &lt;= v &lt; limit[i]. Encoding merges runs of
/// empty buckets into one entry, as TF's EncodeToProto(preserve_zero_buckets: false) does.
/// </summary>
public sealed class Histogram
{
    private static readonly double[] DefaultLimits = BuildDefaultLimits();

    private readonly double[] _limits;
    private readonly double[] _counts;

    public Histogram()
    {
        _limits = DefaultLimits;
        _counts = new double[_limits.Length];
        Min = _limits[^1];
        Max = -double.MaxValue;
    }

    /// <summary>TF's default bucket limits (a copy).</summary>
    public static double[] DefaultBucketLimits => (double[])DefaultLimits.Clone();

    public double Min { get; private set; }
    public double Max { get; private set; }
    public double Num { get; private set; }
    public double Sum { get; private set; }
    public double SumSquares { get; private set; }

    public void Add(double value)
    {
        int b = UpperBound(value);
        // A value equal to DBL_MAX has no greater limit; TF would index one past the end, we
        // count it in the last bucket.
        _counts[System.Math.Min(b, _counts.Length - 1)] += 1.0;
        if (Min > value) Min = value;
        if (Max < value) Max = value;
        Num++;
        Sum += value;
        SumSquares += value * value;
    }

    public void AddRange(ReadOnlySpan<double> values)
    {
        foreach (var v in values) Add(v);
    }

    /// <summary>
    /// The index of the first limit greater than <paramref name="value"/> (std::upper_bound). The
    /// limits grow geometrically, so a logarithm guesses the index and a short walk makes it
    /// exact: an order of magnitude faster than bisecting 1,551 limits for large weight tensors.
    /// </summary>
    internal int UpperBound(double value)
    {
        var limits = _limits;
        int n = limits.Length, zero = n / 2;
        int guess;
        double magnitude = System.Math.Abs(value);
        if (!(magnitude >= 1e-12)) guess = value < 0 ? zero : zero + 1; // also NaN: the walk settles it
        else
        {
            double steps = System.Math.Log(magnitude * 1e12) * InverseLogGrowth;
            int j = steps >= n ? n : (int)steps;
            guess = value > 0 ? zero + 2 + j : zero - 1 - j;
        }
        guess = System.Math.Clamp(guess, 0, n);
        while (guess > 0 && limits[guess - 1] > value) guess--;
        while (guess < n && limits[guess] <= value) guess++;
        return guess;
    }

    private static readonly double InverseLogGrowth = 1.0 / System.Math.Log(1.1);

    public Proto.HistogramProto ToProto()
    {
        var p = new Proto.HistogramProto { Min = Min, Max = Max, Num = Num, Sum = Sum, SumSquares = SumSquares };
        for (int i = 0; i < _counts.Length;)
        {
            double end = _limits[i], count = _counts[i];
            i++;
            if (count <= 0.0)
            {
                while (i < _counts.Length && _counts[i] <= 0.0)
                {
                    end = _limits[i];
                    count = _counts[i];
                    i++;
                }
            }
            p.BucketLimit.Add(end);
            p.Bucket.Add(count);
        }
        if (p.Bucket.Count == 0)
        {
            p.BucketLimit.Add(double.MaxValue);
            p.Bucket.Add(0.0);
        }
        return p;
    }

    private static double[] BuildDefaultLimits()
    {
        var positive = new List<double>();
        for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) positive.Add(v);
        positive.Add(double.MaxValue);
        var all = new List<double>(positive.Count * 2 + 1);
        for (int i = positive.Count - 1; i >= 0; i--) all.Add(-positive[i]);
        all.Add(0.0);
        all.AddRange(positive);
        return all.ToArray();
    }
}
