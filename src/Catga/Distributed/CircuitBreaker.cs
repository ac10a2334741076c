namespace Catga.Distributed;

/// <summary>Counts consecutive failures of one handler; open for the break duration after the threshold, then lets one
/// trial through (half-open): its success closes the circuit, its failure opens it again.</summary>
internal sealed class CircuitBreaker(CircuitBreakerOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _failures;
    private long _openUntil;
    private bool _trialRunning;

    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _openUntil != 0 && time.GetTimestamp() < _openUntil;
            }
        }
    }

    /// <summary>Whether a message may run now; otherwise how long until the circuit may let one through.</summary>
    public bool TryEnter(out TimeSpan wait)
    {
        lock (_lock)
        {
            if (_openUntil == 0)
            {
                wait = TimeSpan.Zero;
                return true;
            }

            long now = time.GetTimestamp();
            if (now < _openUntil || _trialRunning)
            {
                wait = now < _openUntil ? time.GetElapsedTime(now, _openUntil) : options.BreakDuration / 10;
                return false;
            }

            _trialRunning = true;
            wait = TimeSpan.Zero;
            return true;
        }
    }

    public void OnSuccess()
    {
        lock (_lock)
        {
            _failures = 0;
            _openUntil = 0;
            _trialRunning = false;
        }
    }

    /// <summary>Records a failure; true when this failure opened the circuit.</summary>
    public bool OnFailure()
    {
        lock (_lock)
        {
            _trialRunning = false;
            _failures++;
            if (_failures >= options.FailureThreshold)
            {
                bool opened = _openUntil == 0 || time.GetTimestamp() >= _openUntil;
                _openUntil = time.GetTimestamp() + (long)(options.BreakDuration.TotalSeconds * time.TimestampFrequency);
                return opened;
            }

            return false;
        }
    }
}
