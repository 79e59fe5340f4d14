using GraphEngine.Cli.Commands;
using GraphEngine.Ops.Core;
using GraphEngine.Ops.Proto;
using GraphEngine.Runtime.Io.Records;
using GraphEngine.TestKit;

namespace GraphEngine.Cli.Tests;

[TestClass]
public sealed class PlotTests
{
    /// <summary>
    /// Fits y = 2x by gradient descent on w (loss = mean((w·x − y)²)), logging the loss every
    /// step through the runtime's event writer. (This test project cannot also reference the
    /// GraphEngine front end: its assembly name differs from the CLI's "graphengine" only by case;
    /// GraphEngine.Tests covers tf.summary.FileWriter writing such a run.)
    /// </summary>
    private static void TrainRun(string logdir, double learningRate, int steps = 30)
    {
        float[] xs = [1, 2, 3], ys = [2, 4, 6];
        float w = 0;
        using var writer = new EventFileWriter(logdir);
        for (int step = 0; step < steps; step++)
        {
            float loss = 0, grad = 0;
            for (int i = 0; i < xs.Length; i++)
            {
                float r = w * xs[i] - ys[i];
                loss += r * r / xs.Length;
                grad += 2 * r * xs[i] / xs.Length;
            }
            writer.AddEvent(new Event { Step = step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", SimpleValue = loss } } } });
            w -= (float)learningRate * grad;
        }
    }

    [TestMethod]
    public void Renders_a_training_runs_loss_curve_at_the_asked_size()
    {
        var dir = Directory.CreateTempSubdirectory("ge-plot-").FullName;
        try
        {
            TrainRun(dir, 0.02);
            var png = Path.Combine(dir, "out", "loss.png");
            var report = PlotCommand.Run(new PlotOptions(dir, "loss", png, Width: 640, Height: 360));
            StringAssert.Contains(report, "1 run(s), 30 point(s)");
            var bytes = File.ReadAllBytes(png);
            Assert.AreEqual((640, 360), PngReader.Size(bytes));
            var image = PngReader.Decode(bytes);
            Assert.IsGreaterThan(10, image.Pixels.Distinct().Count(), "the image is not blank");
            Assert.IsEmpty(Directory.GetFiles(Path.Combine(dir, "out"), "*.tmp-*"), "no temp file left behind");
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void All_plots_every_run_under_the_logdir()
    {
        var dir = Directory.CreateTempSubdirectory("ge-plot-").FullName;
        try
        {
            TrainRun(Path.Combine(dir, "lr0.01"), 0.01, 20);
            TrainRun(Path.Combine(dir, "lr0.05"), 0.05, 25);
            var png = Path.Combine(dir, "all.png");
            Assert.ThrowsExactly<NotFoundException>(() => PlotCommand.Run(new PlotOptions(dir, "loss", png)), "runs are in subdirectories: --all needed");
            var report = PlotCommand.Run(new PlotOptions(dir, "loss", png, All: true, Smoothing: 0.9, Width: 300, Height: 200));
            StringAssert.Contains(report, "2 run(s), 45 point(s)");
            Assert.AreEqual((300, 200), PngReader.Size(File.ReadAllBytes(png)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Plots_tensorflows_own_event_files()
    {
        var logdir = TfData.Path("dnnregressor-events-tf1.8");
        var png = Path.Combine(Directory.CreateTempSubdirectory("ge-plot-").FullName, "tf.png");
        try
        {
            var report = PlotCommand.Run(new PlotOptions(logdir, "loss", png, All: true, Smoothing: 0));
            StringAssert.Contains(report, "2 run(s)");
            Assert.AreEqual((800, 500), PngReader.Size(File.ReadAllBytes(png)));
        }
        finally { Directory.Delete(Path.GetDirectoryName(png)!, true); }
    }

    [TestMethod]
    public void Bad_requests_are_typed_errors()
    {
        var dir = Directory.CreateTempSubdirectory("ge-plot-").FullName;
        try
        {
            TrainRun(dir, 0.02, 3);
            var png = Path.Combine(dir, "x.png");
            var e = Assert.ThrowsExactly<NotFoundException>(() => PlotCommand.Run(new PlotOptions(dir, "accuracy", png)));
            StringAssert.Contains(e.Message, "Scalar tags found: loss");
            Assert.ThrowsExactly<InvalidArgumentException>(() => PlotCommand.Run(new PlotOptions(dir, "loss", png, Width: 0)));
            Assert.ThrowsExactly<InvalidArgumentException>(() => PlotCommand.Run(new PlotOptions(dir, "loss", png, Smoothing: 1)));
            Assert.ThrowsExactly<NotFoundException>(() => PlotCommand.Run(new PlotOptions(Path.Combine(dir, "nope"), "loss", png)));
            Assert.IsFalse(File.Exists(png));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestMethod]
    public void Smoothing_is_tensorboards_debiased_moving_average()
    {
        var s = PlotCommand.Smooth([1, 2, 3], 0.5);
        Assert.AreEqual(1.0, s[0], 1e-12, "the first point is not pulled toward 0");
        Assert.AreEqual((0.25 * 1 + 0.5 * 2) / 0.75, s[1], 1e-12);
        Assert.AreEqual((0.125 * 1 + 0.25 * 2 + 0.5 * 3) / 0.875, s[2], 1e-12);
        CollectionAssert.AreEqual(new[] { 4.0, 4.0 }, PlotCommand.Smooth([4, 4], 0.9));
        Assert.IsTrue(double.IsNaN(PlotCommand.Smooth([1, double.NaN, 2], 0.5)[1]));
    }
}
