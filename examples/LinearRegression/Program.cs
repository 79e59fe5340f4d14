// Fits y = 3x + 2 from noisy samples with placeholders, Variables and GradientDescentOptimizer,
// printing the loss as it falls and the learned w and b.
using GraphEngine;

const int samples = 200;
var rng = new Random(42);
var xs = new float[samples, 1];
var ys = new float[samples, 1];
for (int i = 0; i < samples; i++)
{
    float x = (float)(rng.NextDouble() * 4 - 2);
    float noise = (float)((rng.NextDouble() - 0.5) * 0.2);
    xs[i, 0] = x;
    ys[i, 0] = 3 * x + 2 + noise;
}

tf.set_random_seed(1);
var X = tf.placeholder(tf.float32, new[] { -1, 1 }, name: "x");
var Y = tf.placeholder(tf.float32, new[] { -1, 1 }, name: "y");
var w = tf.Variable(tf.random_normal(new[] { 1, 1 }), name: "w");
var b = tf.Variable(tf.zeros(new[] { 1 }), name: "b");
var prediction = tf.matmul(X, w) + b;
var loss = tf.reduce_mean(tf.square(prediction - Y), name: "loss");
var train = tf.train.GradientDescentOptimizer(0.1).minimize(loss);

using var sess = tf.Session();
sess.run(tf.global_variables_initializer());
for (int step = 0; step <= 200; step++)
{
    var r = sess.run(new ITensorOrOperation[] { loss, train }, (X, xs), (Y, ys));
    if (step % 20 == 0) Console.WriteLine($"step {step,3}  loss {r[0]!.GetSingle():F5}");
}
Console.WriteLine($"learned w = {sess.run(w).GetSingle():F3} (true 3), b = {sess.run(b).GetSingle():F3} (true 2)");
