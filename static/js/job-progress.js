// Progress of a job on its page (templates/jobs/show.html, imports/checking.html,
// letters/job.html): the element marked data-job holds the status URL and the status the page
// was drawn with; it polls the status as JSON and updates the [data-job-progress] bar and the
// [data-job-done] count; once the job's status changes (or its worker stops answering) it
// reloads, so the page shows the outcome. Without JavaScript the page's [data-job-refresh]
// link is shown instead. A module from 'self', so it needs no nonce under the strict CSP.
const root = document.querySelector('[data-job]')

if (root && ['queued', 'running'].includes(root.dataset.status)) {
  const url = root.dataset.statusUrl
  const progress = root.querySelector('[data-job-progress]')
  const done = root.querySelector('[data-job-done]')
  const refresh = root.querySelector('[data-job-refresh]')
  if (refresh) refresh.hidden = true
  const drawn = root.dataset.status

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok) throw new Error(String(response.status))
      const job = await response.json()
      if (progress) {
        progress.max = job.total || 1
        progress.value = job.done
        progress.textContent = `${job.percent}%`
      }
      if (done) done.textContent = String(job.done)
      if (job.status !== drawn || job.stalled) {
        window.location.reload()
        return
      }
    } catch (error) {
      if (refresh) refresh.hidden = false // fall back to the link
      return
    }
    window.setTimeout(poll, 700)
  }
  window.setTimeout(poll, 300)
}
