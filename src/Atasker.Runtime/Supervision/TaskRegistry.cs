using System.Collections.Generic;

namespace Atasker;

/// <summary>
/// The unfinished tasks of a supervisor by id, for <see cref="TaskSupervisor.GetTask"/> and for cancelling everything
/// on stop. Striped by id so submitters on many threads rarely meet on one lock; plain dictionaries reuse their entries,
/// so a steady stream of tasks allocates nothing here.
/// </summary>
internal sealed class TaskRegistry
{
    private const int StripeCount = 32; // a power of two: the stripe is the id's low bits

    private readonly Dictionary<long, TaskHandle>[] _stripes = new Dictionary<long, TaskHandle>[StripeCount];

    public TaskRegistry()
    {
        for (int i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new Dictionary<long, TaskHandle>();
        }
    }

    public void Add(TaskHandle task)
    {
        var stripe = StripeOf(task.Id);
        lock (stripe)
        {
            stripe.Add(task.Id, task);
        }
    }

    public void Remove(TaskHandle task)
    {
        var stripe = StripeOf(task.Id);
        lock (stripe)
        {
            stripe.Remove(task.Id);
        }
    }

    public TaskHandle? Find(long id)
    {
        var stripe = StripeOf(id);
        lock (stripe)
        {
            return stripe.TryGetValue(id, out var task) ? task : null;
        }
    }

    public List<TaskHandle> Snapshot()
    {
        var all = new List<TaskHandle>();
        foreach (var stripe in _stripes)
        {
            lock (stripe)
            {
                all.AddRange(stripe.Values);
            }
        }

        return all;
    }

    private Dictionary<long, TaskHandle> StripeOf(long id) => _stripes[(int)(id & (StripeCount - 1))];
}
