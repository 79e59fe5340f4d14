// The classic TF1 two-layer fully connected network on zero weights, ported line by line:
// x [None, 32, 32, 3] → flatten → relu(x·w1) → ·w2, run on a batch of 64 zeros.
using GraphEngine;
using NumSharp;

var x = tf.placeholder(tf.float32, new[] { -1, 32, 32, 3 }, name: "x");
var w1 = tf.Variable(tf.zeros(new[] { 32 * 32 * 3, 100 }), name: "w1");
var w2 = tf.Variable(tf.zeros(new[] { 100, 10 }), name: "w2");

var x_flat = tf.layers.flatten(x);
var h = tf.nn.relu(tf.matmul(x_flat, w1));
var scores = tf.matmul(h, w2);

using var sess = tf.Session();
sess.run(tf.global_variables_initializer());
var x_np = np.zeros(new Shape(64, 32, 32, 3), np.float32);
NDArray scores_np = sess.run(scores, (x, x_np));
Console.WriteLine($"scores shape: ({string.Join(", ", scores_np.shape)})");
