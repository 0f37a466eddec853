// The customer's address form (addresses.ts): pure logic, no server.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addressForm } from "./addresses.js";

describe("the address form", () => {
  it("reads the form as typed: phone spaces dropped, a blank landmark none, the checkbox a flag; refuses a missing pin", () => {
    const form = { label: "work", house: " Office 4 ", street: "Baner Road", landmark: " ", phone: "98220 12345", lat: "18.559", lng: "73.7868", is_default: "on" };
    assert.deepEqual(addressForm.parse(form), { label: "work", house: "Office 4", street: "Baner Road", landmark: null, phone: "9822012345", lat: 18.559, lng: 73.7868, is_default: true });
    const noPin = addressForm.safeParse({ ...form, lat: "", lng: "" });
    assert.deepEqual(noPin.success ? [] : noPin.error.issues.map((i) => i.path[0]), ["lat", "lng"]);
    assert.equal(addressForm.safeParse({ ...form, phone: "12345" }).success, false);
  });
});
