// The project's main job: a 784-512-256-10 ReLU MLP trained with Adam (batch 128) on the bundled
// MNIST subset (8,000 training / 2,000 held-out images in data/mnist-10k), written the TF1 way:
// placeholders, Variables, a loss, an optimizer, sess.run with feeds. Saves a checkpoint at the end,
// and writes TensorBoard summaries (cross_entropy and train_accuracy every 10 steps, test_accuracy per
// epoch, the graph) to runs/mnist-mlp:
// view them with TensorBoard or `graphengine plot runs --all --tag cross_entropy --out loss.png`.
//   dotnet run --project examples/MnistMlp [-- --epochs 10 --data data/mnist-10k --out checkpoints/mnist-mlp --logdir runs/mnist-mlp]
using System.Diagnostics;
using GraphEngine;
using GraphEngine.Data;
using GraphEngine.Examples;
using MnistMlp;

int epochs = 10;
string? dataDir = null;
string outDir = Path.Combine("checkpoints", "mnist-mlp");
string logDir = Path.Combine("runs", "mnist-mlp");
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--epochs": epochs = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--data": dataDir = args[i + 1]; break;
        case "--out": outDir = args[i + 1]; break;
        case "--logdir": logDir = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]} (use --epochs N, --data DIR, --out DIR, --logdir DIR)"); return 2;
    }
}
dataDir ??= DataLocator.Find();
if (dataDir == null)
{
    Console.Error.WriteLine("data/mnist-10k not found: run from the repository or pass --data DIR");
    return 1;
}

const int batchSize = 128;
const int seed = 1;
var mnist = Mnist.read_data_sets(dataDir, one_hot: true, validation_size: 0, seed: seed);
Console.WriteLine($"MNIST: {mnist.train.num_examples} training and {mnist.test.num_examples} test images from {dataDir}");

var net = Mlp.Build(seed);
var saver = tf.train.Saver();
tf.summary.scalar("cross_entropy", net.Loss);      // "loss" is taken by the op above: TF1 would tag it "loss_1"
tf.summary.scalar("train_accuracy", net.Accuracy);
var merged = tf.summary.merge_all()!;
const int summaryEvery = 10;

using var sess = tf.Session();
using var writer = new tf.summary.FileWriter(logDir, sess.graph);
sess.run(tf.global_variables_initializer());
int stepsPerEpoch = mnist.train.num_examples / batchSize;
var total = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    var watch = Stopwatch.StartNew();
    double lossSum = 0, accSum = 0;
    for (int step = 0; step < stepsPerEpoch; step++)
    {
        var (xs, ys) = mnist.train.next_batch(batchSize, shuffle: true, drop_last: true);
        var feed = new FeedDict { [net.X] = xs, [net.Labels] = ys };
        int globalStep = (epoch - 1) * stepsPerEpoch + step;
        NumSharp.NDArray?[] r;
        if (globalStep % summaryEvery == 0)
        {
            // One step computes the summary and the update together, as TF1's sess.run([merged, train_op, ...]).
            (var summary, r) = sess.run_with_summary(merged, [net.Loss, net.Accuracy, net.TrainOp], feed);
            writer.add_summary(summary, globalStep);
        }
        else r = sess.run(new ITensorOrOperation[] { net.Loss, net.Accuracy, net.TrainOp }, feed);
        lossSum += r[0]!.GetSingle();
        accSum += r[1]!.GetSingle();
        if (!Console.IsOutputRedirected)
            Console.Write($"\repoch {epoch,2}/{epochs}  step {step + 1,3}/{stepsPerEpoch}  loss {lossSum / (step + 1):F4}  accuracy {accSum / (step + 1):P1}   ");
    }
    double samplesPerSecond = stepsPerEpoch * batchSize / watch.Elapsed.TotalSeconds;
    var testAcc = sess.run(net.Accuracy, (net.X, mnist.test.images), (net.Labels, mnist.test.labels)).GetSingle();
    writer.add_summary(new GraphEngine.Ops.Proto.Summary { Value = { new GraphEngine.Ops.Proto.Summary.Types.Value { Tag = "test_accuracy", SimpleValue = testAcc } } },
        epoch * stepsPerEpoch);
    Console.Write(Console.IsOutputRedirected ? "" : "\r");
    Console.WriteLine($"epoch {epoch,2}/{epochs}  loss {lossSum / stepsPerEpoch:F4}  train accuracy {accSum / stepsPerEpoch:P2}  test accuracy {testAcc:P2}  {samplesPerSecond:F0} samples/s");
}
var finalAcc = sess.run(net.Accuracy, (net.X, mnist.test.images), (net.Labels, mnist.test.labels)).GetSingle();
writer.close();
Directory.CreateDirectory(outDir);
var prefix = saver.save(sess, Path.Combine(outDir, "model.ckpt"), global_step: epochs * stepsPerEpoch);
Console.WriteLine($"done: {epochs} epochs in {total.Elapsed.TotalSeconds:F1} s, test accuracy {finalAcc:P2} on {mnist.test.num_examples} held-out images; checkpoint {prefix}; summaries in {logDir}");
return 0;
