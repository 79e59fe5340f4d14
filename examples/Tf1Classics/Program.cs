// Classic TF1 snippets ported to GraphEngine: run them all and print what each shows.
//   dotnet run --project examples/Tf1Classics
using Tf1Classics;

var fc = Snippets.TwoLayerFullyConnected();
Console.WriteLine($"two-layer FC net:      scores ({string.Join(", ", fc.ScoresShape)}), loss {fc.InitialLoss:F4} → {fc.FinalLoss:F4}");

var conv = Snippets.ThreeLayerConvNet();
Console.WriteLine($"three-layer convnet:   scores ({string.Join(", ", conv.ScoresShape)}), loss {conv.InitialLoss:F4} → {conv.FinalLoss:F4}");

var sg = Snippets.StopGradientBetweenNetworks();
float aChange = sg.NetAAfter.Zip(sg.NetABefore, (p, q) => Math.Abs(p - q)).Max();
float bChange = sg.NetBAfter.Zip(sg.NetBBefore, (p, q) => Math.Abs(p - q)).Max();
Console.WriteLine($"stop_gradient A → B:   gradient to A blocked: {sg.GradientOfLossWithRespectToABlocked}, max change of A {aChange}, of B {bChange:F4}");

var rates = Snippets.PerLayerLearningRates();
Console.WriteLine($"per-layer rates:       layer 1 moved by {EffectiveRate(rates.W1Step, rates.W1Gradient):F4}·gradient (rate {rates.Rate1}), " +
                  $"layer 2 by {EffectiveRate(rates.W2Step, rates.W2Gradient):F4}·gradient (rate {rates.Rate2})");

// The least-squares factor r in step = -r·gradient.
static double EffectiveRate(float[] step, float[] gradient) =>
    -step.Zip(gradient, (s, g) => (double)s * g).Sum() / gradient.Sum(g => (double)g * g);
