// A Worker that never answers: every request waits on a ten-minute timer.
export default {
	fetch() {
		return new Promise((resolve) => setTimeout(() => resolve(new Response("too late")), 600000));
	},
};
