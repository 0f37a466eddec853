export { load, actions } from "$lib/notifications/page.server";
