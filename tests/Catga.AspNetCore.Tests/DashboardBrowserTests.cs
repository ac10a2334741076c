using Catga.Distributed;
using Catga.Persistence.Redis;
using Catga.Persistence.Redis.Sagas;
using Catga.Transport.Nats;
using Catga.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Catga.AspNetCore.Tests;

/// <summary>
/// The dashboard in a real headless chromium (Debian's, driven by its chromedriver) against the app on Kestrel over a
/// real nats-server (JetStream transport) and redis-server (dead-letter, inbox, outbox and lock stores): a poison
/// message appears on the page, is replayed from it after a confirmation, and is then handled; saga instances stored
/// in Redis are listed, filtered by status and opened with their state history.
/// Set CATGA_SCREENSHOTS to a directory to save screenshots of the main views there (docs/images).
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Poison_message_appears_on_the_page_is_replayed_from_it_and_then_handled()
    {
        int port = FreePort.Next();
        await using var nats = await NatsServerProcess.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var multiplexer = await redis.ConnectAsync();
        string prefix = $"b{Guid.NewGuid():N}"[..9];
        await using var app = await DashboardApp.StartAsync(kestrelPort: port, transport: catga => catga
            .UseNatsTransport(nats.Options(), o =>
            {
                o.SubjectPrefix = prefix + ".";
                o.StreamName = prefix.ToUpperInvariant();
                o.RequestSubjectPrefix = "rpc-" + prefix + ".";
            })
            .UseRedisPersistence(multiplexer, o => o.KeyPrefix = prefix)
            .UseRedisSagaStore(multiplexer, o => o.KeyPrefix = prefix + ":saga:"));
        var log = app.Services.GetRequiredService<PaymentLog>();
        var letters = app.Services.GetRequiredService<SignalingDeadLetterStore>();
        log.Poisoned["pay-browser"] = true;
        Assert.True((await app.Services.GetRequiredService<ICatgaBus>().SendAsync(new ProcessPayment("pay-browser", 99.95m))).IsSuccess);
        var letter = await letters.NextAddedAsync();

        using var browser = StartBrowser();
        string baseUrl = $"http://127.0.0.1:{port}/catga/";
        // Anonymous: the dashboard is behind the operator policy.
        browser.Navigate().GoToUrl(baseUrl);
        Assert.DoesNotContain("Catga dashboard", browser.Title, StringComparison.Ordinal);
        browser.Navigate().GoToUrl($"http://127.0.0.1:{port}/health/live");
        browser.Manage().Cookies.AddCookie(new Cookie("catga-op", "1", "/"));

        browser.Navigate().GoToUrl(baseUrl + "#overview");
        Until(browser, d => d.FindElement(By.TagName("body")).GetAttribute("data-loaded") == "overview");
        Assert.Equal("1", browser.FindElement(By.CssSelector("#card-dead-letters .value")).Text);
        Screenshot(browser, "dashboard-overview.png");

        browser.FindElement(By.CssSelector("nav a[data-view='dead-letters']")).Click();
        var row = Until(browser, d => d.FindElements(By.CssSelector($"tr.letter[data-id='{letter.Id}']")).FirstOrDefault())!;
        Assert.Contains("declined", row.Text, StringComparison.Ordinal);
        Screenshot(browser, "dashboard-dead-letters.png");

        row.Click();
        Until(browser, d => d.FindElement(By.Id("letter-detail")).Displayed);
        Assert.Contains("pay-browser", browser.FindElement(By.Id("detail-decoded")).Text, StringComparison.Ordinal);
        Assert.Contains(ProcessPayment.MessageTypeName, browser.FindElement(By.Id("detail-headers")).Text, StringComparison.Ordinal);
        Screenshot(browser, "dashboard-dead-letter-detail.png");

        // The handler works again; replaying asks for a confirmation first, and cancelling it does nothing.
        log.Poisoned.TryRemove("pay-browser", out _);
        browser.FindElement(By.Id("replay-one")).Click();
        Until(browser, d => d.FindElement(By.Id("confirm")).Displayed);
        Assert.Contains(letter.Id, browser.FindElement(By.Id("confirm-text")).Text, StringComparison.Ordinal);
        browser.FindElement(By.Id("confirm-cancel")).Click();
        Assert.Equal(1, await letters.CountAsync(CancellationToken.None));

        browser.FindElement(By.Id("replay-one")).Click();
        Until(browser, d => d.FindElement(By.Id("confirm")).Displayed);
        browser.FindElement(By.Id("confirm-ok")).Click();
        await log.WaitHandledAsync("pay-browser");
        Until(browser, d => d.FindElements(By.CssSelector("tr.letter")).Count == 0 && d.FindElement(By.Id("toast")).Text.Contains("replay: 1", StringComparison.Ordinal));
        Assert.Equal(0, await letters.CountAsync(CancellationToken.None));

        browser.FindElement(By.CssSelector("nav a[data-view='consumers']")).Click();
        Until(browser, d => d.FindElements(By.CssSelector($"#consumer-table tr[data-destination='{ProcessPayment.MessageTypeName}']")).Count == 1);
        Screenshot(browser, "dashboard-consumers.png");

        browser.FindElement(By.CssSelector("nav a[data-view='topology']")).Click();
        Until(browser, d => d.FindElements(By.CssSelector("#topology-svg g.handler")).Count > 0);
        Assert.Contains("ProcessPaymentHandler", browser.FindElement(By.Id("topology-svg")).Text, StringComparison.Ordinal);
        Screenshot(browser, "dashboard-topology.png");

        // Sagas, stored in Redis: one completed, one waiting, one abandoned (compensated to Failed).
        var mediator = app.Services.GetRequiredService<ICatgaMediator>();
        foreach (string id in new[] { "checkout-1", "checkout-2", "checkout-3" })
        {
            await mediator.PublishAsync(new CheckoutStarted(id, 42m));
        }

        await mediator.PublishAsync(new CheckoutPaid("checkout-1"));
        await mediator.PublishAsync(new CheckoutAbandoned("checkout-3"));
        browser.FindElement(By.CssSelector("nav a[data-view='sagas']")).Click();
        Until(browser, d => d.FindElements(By.CssSelector("#saga-table tr.saga")).Count == 3);
        Assert.Equal(["checkout-3", "checkout-2", "checkout-1"], browser.FindElements(By.CssSelector("#saga-table tr.saga")).Select(r => r.GetAttribute("data-key")));
        Assert.Contains("AwaitingPayment", browser.FindElement(By.CssSelector("#saga-table tr.saga[data-key='checkout-2']")).Text, StringComparison.Ordinal);

        // Filtered by status on the page.
        browser.FindElement(By.XPath("//select[@id='saga-status']/option[text()='Completed']")).Click();
        browser.FindElement(By.CssSelector("#saga-filter button[type='submit']")).Click();
        Until(browser, d => d.FindElements(By.CssSelector("#saga-table tr.saga")).Select(r => r.GetAttribute("data-key")).SequenceEqual(["checkout-1"]));
        browser.FindElement(By.XPath("//select[@id='saga-status']/option[text()='any']")).Click();
        browser.FindElement(By.CssSelector("#saga-filter button[type='submit']")).Click();
        Until(browser, d => d.FindElements(By.CssSelector("#saga-table tr.saga")).Count == 3);

        // Opened: its state history.
        browser.FindElement(By.CssSelector("#saga-table tr.saga[data-key='checkout-3']")).Click();
        Until(browser, d => d.FindElement(By.Id("saga-detail")).Displayed && d.FindElements(By.CssSelector("#saga-history tr.history")).Count == 2);
        string history = browser.FindElement(By.Id("saga-history")).Text;
        Assert.Contains("abandoned by the customer", history, StringComparison.Ordinal);
        Assert.Contains(CheckoutAbandoned.MessageTypeName, history, StringComparison.Ordinal);
        browser.Manage().Window.Size = new System.Drawing.Size(1280, 1060);
        Screenshot(browser, "dashboard-sagas.png");
    }

    private static ChromeDriver StartBrowser()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,860");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static T Until<T>(IWebDriver driver, Func<IWebDriver, T> condition)
    {
        var wait = new WebDriverWait(driver, Wait);
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    private static void Screenshot(ChromeDriver browser, string name)
    {
        if (Environment.GetEnvironmentVariable("CATGA_SCREENSHOTS") is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            // A toast left by an earlier action would cover part of the picture.
            browser.ExecuteScript("document.getElementById('toast').hidden = true;");
            browser.GetScreenshot().SaveAsFile(Path.Combine(directory, name));
        }
    }
}
