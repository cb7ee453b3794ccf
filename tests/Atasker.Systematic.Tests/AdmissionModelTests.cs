using CsCheck;

namespace Atasker.Systematic.Tests;

/// <summary>
/// The pool's admission against a reference model of DESIGN section 5, written the plain way: random sequences of
/// submissions at every priority, threads taking admitted tasks, tasks ending, cancels, limit changes and Critical
/// tasks, each applied to both; after every step the active count, the waiting tasks and the order in which tasks are
/// handed to threads must be the same. Sequences that differ are shrunk to the shortest.
/// </summary>
public sealed class AdmissionModelTests
{
    [Fact]
    public void Admission_matches_the_reference_model_of_the_reserve_rules()
    {
        var limits = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 2]).Select((p, rn, rh) => new PoolLimits(p, rn, rh));
        var initial = limits.Select(limit => (new Actual(limit), new Model(limit)));

        Check.SampleModelBased(
            initial,
            [
                Gen.Enum<TaskPriority>().Operation<Actual, Model>(p => $"Submit({p})", (a, p) => a.Submit(p), (m, p) => m.Submit(p)),
                Gen.Const(0).Operation<Actual, Model>(_ => "TakeReady", (a, _) => a.TakeReady(), (m, _) => m.TakeReady()),
                Gen.Int[0, 7].Operation<Actual, Model>(i => $"End({i})", (a, i) => a.End(i), (m, i) => m.End(i)),
                Gen.Int[0, 15].Operation<Actual, Model>(i => $"Cancel({i})", (a, i) => a.Cancel(i), (m, i) => m.Cancel(i)),
                limits.Operation<Actual, Model>(l => $"SetLimits({l})", (a, l) => a.SetLimits(l), (m, l) => m.SetLimits(l)),
            ],
            equal: (actual, model) => actual.Describe() == model.Describe(),
            iter: Budget.Iterations(2_000),
            printActual: actual => actual.Describe(),
            printModel: model => model.Describe());
    }

    /// <summary>The real pool, with a ready queue nobody takes from but the test (no threads).</summary>
    private sealed class Actual : IReadyQueueRunner, IQueueWaitObserver
    {
        private static readonly TaskSupervisor Owner = new("admission-model");
        private readonly PriorityAdmission _pool;
        private readonly List<TaskHandle> _all = [];
        private readonly List<TaskHandle> _running = [];
        private readonly List<string> _started = [];
        private long _id;

        public Actual(PoolLimits limits) => _pool = new PriorityAdmission("thread", limits, this, this, SupervisorClock.Own) { Owner = Owner };

        public void Submit(TaskPriority priority)
        {
            var handle = new FuncTask<int, int>(0, static (value, _) => value);
            handle.Initialize(_pool, ++_id, $"t{_id}", priority, TaskKind.Thread, observesCancellation: false, delayed: false);
            _all.Add(handle);
            _pool.Enqueue(handle);
        }

        /// <summary>A thread comes for the ready queue: it runs the head, or ends it at once if it was canceled.</summary>
        public void TakeReady()
        {
            if (_pool.TakeReady() is not { } next)
            {
                return;
            }

            var run = TaskRun.Begin(next, SupervisorClock.Own.Now);
            if (!run.Begun)
            {
                _ = run.End(TaskState.Canceled, null, SupervisorClock.Own.Now);
                return;
            }

            _running.Add(next);
            _started.Add(next.Name);
        }

        public void End(int index)
        {
            if (_running.Count == 0)
            {
                return;
            }

            var ended = _running[index % _running.Count];
            _running.Remove(ended);
            _ = ended.EndOnce(TaskState.Completed, null, SupervisorClock.Own.Now, takeNext: false);
        }

        public void Cancel(int index)
        {
            if (_all.Count > 0)
            {
                _all[index % _all.Count].Cancel();
            }
        }

        public void SetLimits(PoolLimits limits) => _pool.SetLimits(limits);

        public string Describe()
        {
            _pool.AssertInvariants(); // after every operation: the counts, the links, strict priority
            var info = _pool.GetInfo();
            return $"active {info.Active}, waiting {info.Queued}, ready {_pool.ReadyCount}, started [{string.Join(" ", _started)}]";
        }

        void IReadyQueueRunner.OnReady()
        {
        }

        void IQueueWaitObserver.OnQueueWait(TaskHandle task, TimeSpan waited, QueueWaitLevel level, string pool)
        {
        }
    }

    /// <summary>DESIGN section 5, plainly: lists per priority, a count of slots held, a FIFO of admitted tasks.</summary>
    private sealed class Model(PoolLimits limits)
    {
        private readonly List<Item> _all = [];
        private readonly List<Item>[] _waiting = [[], [], []];
        private readonly List<Item> _ready = [];
        private readonly List<Item> _running = [];
        private readonly List<string> _started = [];
        private PoolLimits _limits = limits;
        private int _active;
        private int _id;

        public void Submit(TaskPriority priority)
        {
            var item = new Item($"t{++_id}", priority);
            _all.Add(item);
            if (priority == TaskPriority.Critical || (Fits(priority) && !WaitingAtOrAbove(priority)))
            {
                Admit(item);
            }
            else
            {
                _waiting[(int)priority].Add(item);
            }
        }

        public void TakeReady()
        {
            if (_ready.Count == 0)
            {
                return;
            }

            var next = _ready[0];
            _ready.RemoveAt(0);
            if (next.Canceled)
            {
                Free();
                return;
            }

            next.Started = true;
            _running.Add(next);
            _started.Add(next.Name);
        }

        public void End(int index)
        {
            if (_running.Count == 0)
            {
                return;
            }

            var ended = _running[index % _running.Count];
            _running.Remove(ended);
            ended.Ended = true;
            Free();
        }

        public void Cancel(int index)
        {
            if (_all.Count == 0)
            {
                return;
            }

            var item = _all[index % _all.Count];
            if (item.Started || item.Ended || item.Canceled)
            {
                return;
            }

            item.Canceled = true;
            item.Ended = true;
            if (_ready.Remove(item))
            {
                Free(); // admitted, no thread had taken it: the pool gives its slot back at once
            }
            else if (item.Priority != TaskPriority.Critical)
            {
                _waiting[(int)item.Priority].Remove(item); // never admitted: it holds nothing
            }
        }

        public void SetLimits(PoolLimits limits)
        {
            _limits = limits;
            AdmitWhatFits();
        }

        public string Describe() =>
            $"active {_active}, waiting {_waiting.Sum(queue => queue.Count)}, ready {_ready.Count}, started [{string.Join(" ", _started)}]";

        private bool Fits(TaskPriority priority) =>
            _limits.PoolSize == 0 || _active < priority switch
            {
                TaskPriority.Low => _limits.PoolSize,
                TaskPriority.Normal => _limits.PoolSize + _limits.ReserveNormal,
                _ => _limits.PoolSize + _limits.ReserveNormal + _limits.ReserveHigh,
            };

        private bool WaitingAtOrAbove(TaskPriority priority)
        {
            for (int p = (int)priority; p < 3; p++)
            {
                if (_waiting[p].Count > 0)
                {
                    return true;
                }
            }

            return false;
        }

        private void Admit(Item item)
        {
            _active++;
            _ready.Add(item);
        }

        private void Free()
        {
            _active--;
            AdmitWhatFits();
        }

        /// <summary>Most important first; nothing less important while a more important task still waits.</summary>
        private void AdmitWhatFits()
        {
            for (int p = 2; p >= 0; p--)
            {
                while (_waiting[p].Count > 0 && Fits((TaskPriority)p))
                {
                    var next = _waiting[p][0];
                    _waiting[p].RemoveAt(0);
                    Admit(next);
                }

                if (_waiting[p].Count > 0)
                {
                    return;
                }
            }
        }

        private sealed class Item(string name, TaskPriority priority)
        {
            public string Name { get; } = name;

            public TaskPriority Priority { get; } = priority;

            public bool Started { get; set; }

            public bool Canceled { get; set; }

            public bool Ended { get; set; }
        }
    }
}
